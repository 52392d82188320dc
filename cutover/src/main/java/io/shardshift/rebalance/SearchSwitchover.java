package io.shardshift.rebalance;

import io.shardshift.audit.AuditTrail;
import io.shardshift.core.spec.SpecDefaults;
import io.shardshift.cutover.CutoverResult;
import io.shardshift.cutover.DeadLetterCount;
import io.shardshift.cutover.SearchAliasSwap;
import io.shardshift.cutover.SwitchKind;
import io.shardshift.cutover.SwitchStep;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cutover of a search-only rebalance (the cutover controller needs a PostgreSQL layout):
 * no write freeze is needed, since PostgreSQL stays the system of record and the
 * collections are fed from the same change stream. Cutover: no failure and no dead letters, every change
 * committed so far applied to the new collection, then the alias moves to it (one atomic CREATEALIAS).
 * Rollback: the alias moves back to the collection it served before. Generations are collection versions.
 * Every step goes to the rebalance's audit trail (actor {@code search-cutover}), which this switchover owns.
 */
final class SearchSwitchover implements Switchover {
    private static final Logger LOG = LoggerFactory.getLogger(SearchSwitchover.class);

    private static final String ACTOR = "search-cutover";

    private final MigrationRunner runner;
    private final AuditTrail audit;
    private final SearchAliasSwap swap;
    private final long oldVersion;
    private final long newVersion;
    private final Duration drainTimeout;
    private long live;
    private CutoverResult last;

    SearchSwitchover(MigrationRunner runner, AuditTrail audit, long oldVersion, long newVersion) {
        this.runner = runner;
        this.audit = audit;
        this.swap = new SearchAliasSwap(runner.search());
        this.oldVersion = oldVersion;
        this.newVersion = newVersion;
        this.drainTimeout = runner.spec().cutoverOrDefaults().gateTimeoutOrDefault();
        this.live = oldVersion;
    }

    /**
     * Why dead letters block this cutover, or null: counted on the dead-letter topic (as the migration's cutover
     * gate does, so letters published before a restart count), or those this run published if more.
     */
    private String deadLettersProblem() {
        String topic = runner.spec().deadLetterTopic();
        try (DeadLetterCount onTopic = DeadLetterCount.of(runner.spec().kafka().bootstrapServers(), topic,
                SpecDefaults.CUTOVER_PUBLISH_TIMEOUT)) {
            long letters = Math.max(runner.deadLetters(), onTopic.getAsLong());
            return letters == 0 ? null : letters + " dead letters on " + topic;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    @Override
    public synchronized CutoverResult cutover() {
        String id = "cutover-" + System.currentTimeMillis();
        if (live == newVersion) {
            return finish(aborted(id, SwitchKind.CUTOVER, SwitchStep.PRECHECK, "version " + newVersion + " is already live"));
        }
        audit.append(ACTOR, "start", Map.of("id", id, "from", live, "to", newVersion));
        if (runner.failure().isPresent()) {
            return finish(aborted(id, SwitchKind.CUTOVER, SwitchStep.GATES, "the migration failed: " + runner.failure().get().getMessage()));
        }
        String deadLetters = deadLettersProblem();
        if (deadLetters != null) {
            return finish(aborted(id, SwitchKind.CUTOVER, SwitchStep.GATES, deadLetters));
        }
        if (!runner.backfillFinished()) {
            return finish(aborted(id, SwitchKind.CUTOVER, SwitchStep.GATES, "the backfill has not finished"));
        }
        try {
            Drain.await(runner.lag(), drainTimeout);
        } catch (Exception e) {
            return finish(aborted(id, SwitchKind.CUTOVER, SwitchStep.DRAIN, e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        audit.append(ACTOR, "drained", Map.of("id", id));
        return finish(switchTo(id, SwitchKind.CUTOVER, newVersion));
    }

    @Override
    public synchronized CutoverResult rollback(String reason) {
        String id = "rollback-" + System.currentTimeMillis();
        if (live == oldVersion) {
            return finish(aborted(id, SwitchKind.ROLLBACK, SwitchStep.PRECHECK, "nothing to roll back: version " + oldVersion + " is live"));
        }
        LOG.info("{}: rolling the search alias back ({})", id, reason);
        audit.append(ACTOR, "start", Map.of("id", id, "from", live, "to", oldVersion, "reason", reason == null ? "" : reason));
        return finish(switchTo(id, SwitchKind.ROLLBACK, oldVersion));
    }

    private CutoverResult switchTo(String id, SwitchKind kind, long to) {
        long from = live;
        long started = System.nanoTime();
        try {
            swap.swap(from, to);
        } catch (Exception e) {
            return aborted(id, kind, SwitchStep.ALIAS, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        live = to;
        audit.append(ACTOR, SwitchStep.ALIAS.wireName(), Map.of("id", id, "version", to, "previous", from));
        LOG.info("{} {}: search alias now serves version {} (was {})", kind, id, to, from);
        return new CutoverResult(id, kind, CutoverResult.Outcome.COMPLETED, from, to, 0,
                (System.nanoTime() - started) / 1_000_000, null, null, List.of());
    }

    private CutoverResult aborted(String id, SwitchKind kind, SwitchStep step, String reason) {
        long to = kind == SwitchKind.CUTOVER ? newVersion : oldVersion;
        return new CutoverResult(id, kind, CutoverResult.Outcome.ABORTED, live, to, 0, 0, step, reason, List.of());
    }

    private CutoverResult finish(CutoverResult r) {
        if (r.completed()) {
            audit.append(ACTOR, "done", Map.of("id", r.id(), "version", r.toGeneration()));
        } else {
            audit.append(ACTOR, "abort", Map.of("id", r.id(), "step", r.failedStep().wireName(), "reason", r.reason()));
        }
        last = r;
        return r;
    }

    @Override
    public synchronized long liveGeneration() {
        return live;
    }

    @Override
    public synchronized Optional<CutoverResult> lastResult() {
        return Optional.ofNullable(last);
    }

    @Override
    public void close() {
        audit.close();
    }
}
