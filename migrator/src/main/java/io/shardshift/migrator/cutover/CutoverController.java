package io.shardshift.migrator.cutover;

import io.shardshift.client.ConfigFollower;
import io.shardshift.client.ConfigKeys;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.TableId;
import io.shardshift.core.layout.Layout;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.migrator.audit.AuditTrail;
import io.shardshift.migrator.cutover.internal.GateRunner;
import io.shardshift.migrator.cutover.internal.ReverseLog;
import io.shardshift.migrator.cutover.internal.SourceFreeze;
import io.shardshift.migrator.lag.LagSnapshot;
import io.shardshift.migrator.run.MigrationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Switches applications from the old layout to the new one, and back.
 *
 * <p>Cutover: wait for the gates (apply lag under its bound for a stable period, no dead letters, the
 * extra gates); freeze writes (publish {@code writes.frozen} on the config topic, then lock the source
 * tables against writes); record the fence LSN under the lock; wait until every target has applied up to
 * it; make the old tables reject writes, flip {@code routing.generation}, swap the search alias; release
 * the lock; unfreeze. A failure or timeout at any step aborts: the lock is rolled back, the generation is
 * (re)published as before, writes are unfrozen, and the old layout stays live. Every step goes to the audit
 * trail. One controller per migration; its methods run one at a time.
 */
public final class CutoverController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CutoverController.class);
    private static final String ACTOR = "cutover";

    private final MigrationSpec spec;
    private final List<TableSchema> tables;
    private final Drainer drainer;
    private final LongSupplier lagMillis;
    private final ConfigPublisher publisher;
    private final ConfigFollower follower;
    private final AuditTrail audit;
    private final CutoverOptions options;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private long live;
    private long previous;
    private CutoverResult last;

    /** Waits until every change committed before an LSN is applied to every target. */
    @FunctionalInterface
    public interface Drainer {
        void awaitApplied(long lsn, Duration timeout) throws Exception;
    }

    /**
     * @param lagMillis the apply lag now, in milliseconds
     * @param follower  a follower of the same config topic, used to read the live generation at start
     */
    public CutoverController(MigrationSpec spec, List<TableSchema> tables, Drainer drainer, LongSupplier lagMillis, ConfigPublisher publisher,
                             ConfigFollower follower, AuditTrail audit, CutoverOptions options) throws InterruptedException {
        this.spec = spec;
        this.tables = List.copyOf(tables);
        this.drainer = drainer;
        this.lagMillis = lagMillis;
        this.publisher = publisher;
        this.follower = follower;
        this.audit = audit;
        this.options = options;
        initialize();
    }

    /**
     * A controller for a running migration: its drain watermark, lag and dead letters, the config topic
     * {@code <prefix>.config} (created if missing). The no-dead-letters gate comes first, then
     * {@code options.gates()}.
     */
    public static CutoverController forRunner(MigrationRunner runner, AuditTrail audit, CutoverOptions options)
            throws InterruptedException {
        MigrationSpec spec = runner.spec();
        String topic = ConfigKeys.topic(spec.topicPrefix());
        ConfigPublisher publisher = ConfigPublisher.create(spec.kafka().bootstrapServers(), topic,
                spec.replicationFactor(), options.publishTimeout());
        ConfigFollower follower = ConfigFollower.start(spec.kafka().bootstrapServers(), topic, Map.of(),
                e -> LOG.warn("config topic: {}", e));
        List<Gate> gates = new ArrayList<>();
        gates.add(Gates.noDeadLetters(runner::deadLetters));
        gates.addAll(options.gates());
        CutoverController c = new CutoverController(spec, runner.tables(), runner.lag().watermark()::awaitApplied,
                () -> lagOf(runner), publisher, follower, audit, options.withGates(gates));
        c.owned.add(follower);
        c.owned.add(publisher);
        return c;
    }

    private static long lagOf(MigrationRunner runner) {
        try {
            LagSnapshot s = runner.lag().snapshot();
            return s.targets().keySet().stream().mapToLong(s::lagMillis).max().orElse(0);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read lag: " + e.getMessage(), e);
        }
    }

    private void initialize() throws InterruptedException {
        for (TargetSpec t : spec.targets()) {
            try {
                ReverseLog.prepare(t);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot prepare the reverse log on target " + t.name() + ": " + e.getMessage(), e);
            }
        }
        if (!follower.awaitCaughtUp(options.publishTimeout())) {
            throw new IllegalStateException("cannot read config topic " + publisher.topic() + " within "
                    + options.publishTimeout());
        }
        Layout target = spec.routing();
        long old = target.generation() - 1;
        publisher.publishLayout(ConfigPublisher.sourceLayout(old, target.shardKey()));
        publisher.publishLayout(target);
        live = follower.currentGeneration();
        previous = follower.value(ConfigKeys.ROUTING_GENERATION).map(v -> v.path("previous").asLong(old)).orElse(old);
        if (live == 0) {
            live = old;
            publisher.publishGeneration(old, old, "initial: the source is live");
        }
        if (!follower.writesFrozen() && follower.value(ConfigKeys.WRITES_FROZEN).isEmpty()) {
            publisher.publishFreeze(false, "initial");
        } else if (follower.writesFrozen()) {
            LOG.warn("config topic says writes are frozen with no cutover running; unfreezing");
            publisher.publishFreeze(false, "controller start: no cutover running");
        }
    }

    /** Runs a cutover to the spec's layout. */
    public synchronized CutoverResult cutover() {
        long from = live;
        long to = spec.routing().generation();
        String id = "cutover-" + System.currentTimeMillis();
        if (from == to) {
            return finish(aborted(id, "cutover", from, to, 0, 0, "precheck", "generation " + to + " is already live", List.of()));
        }
        audit.append(ACTOR, "start", details(id, "from", from, "to", to));
        GateRunner gates = new GateRunner(lagMillis, options.maxLagMillis(), options.stableFor(), options.gates());
        try {
            if (!gates.await(options.gateTimeout())) {
                LOG.warn("{}: gates did not pass within {}: {}", id, options.gateTimeout(), gates.lastResults());
                audit.append(ACTOR, "abort", details(id, "step", "gates", "reason", gates.firstFailure()));
                return finish(aborted(id, "cutover", from, to, 0, 0, "gates", gates.firstFailure(), gates.lastResults()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return finish(aborted(id, "cutover", from, to, 0, 0, "gates", "interrupted", gates.lastResults()));
        }
        audit.append(ACTOR, "gates-passed", details(id, "gates", gates.lastResults().toString()));
        return finish(switchLayout(id, "cutover", from, to, gates.lastResults()));
    }

    /** Makes the previous generation live again (the old tables accept writes again). */
    public synchronized CutoverResult rollback(String reason) {
        long from = live;
        long to = previous;
        String id = "rollback-" + System.currentTimeMillis();
        if (from == to) {
            return finish(aborted(id, "rollback", from, to, 0, 0, "precheck", "nothing to roll back: generation "
                    + from + " is live", List.of()));
        }
        audit.append(ACTOR, "start", details(id, "from", from, "to", to, "reason", reason == null ? "" : reason));
        return finish(switchLayout(id, "rollback", from, to, List.of()));
    }

    private CutoverResult switchLayout(String id, String kind, long from, long to, List<Gate.GateResult> gateResults) {
        boolean forward = "cutover".equals(kind);
        long frozenAt = System.nanoTime();
        String step = "freeze";
        long fence = 0;
        boolean flipped = false;
        SourceFreeze freeze = null;
        List<Connection> targetLocks = List.of();
        long drainedAt = 0;
        try {
            publisher.publishFreeze(true, id);
            freeze = SourceFreeze.acquire(spec.source().jdbcUrl(), spec.source().user(), spec.source().password(),
                    tableIds(), options.freezeTimeout());
            audit.append(ACTOR, "freeze", details(id, "tables", tableIds().toString()));
            step = "fence";
            long locked = System.nanoTime();
            fence = freeze.fenceLsn();
            audit.append(ACTOR, "fence", details(id, "lsn", Lsn.format(fence)));
            if (forward) {
                step = "drain";
                drainer.awaitApplied(fence, options.drainTimeout());
                drainedAt = System.nanoTime();
                audit.append(ACTOR, "drained", details(id, "lsn", Lsn.format(fence)));
                step = "reverse-log";
                for (TargetSpec t : spec.targets()) {
                    ReverseLog.start(t, tables);
                }
                freeze.rejectWritesFromNowOn(to);
            } else {
                freeze.allowWrites();
                step = "copy-back";
                targetLocks = lockTargets();
                long copied = 0;
                for (Connection target : targetLocks) {
                    copied += ReverseLog.copyBack(target, freeze.connection(), tables);
                }
                audit.append(ACTOR, "copied-back", details(id, "writes", copied));
            }
            step = "flip";
            flipped = true;
            publisher.publishGeneration(to, from, id);
            step = "alias";
            options.aliasSwap().swap(from, to);
            step = "release";
            freeze.commit();
            freeze.close();
            releaseTargets(targetLocks, true);
            live = to;
            previous = from;
            audit.append(ACTOR, "flip", details(id, "generation", to, "previous", from));
            step = "unfreeze";
            publisher.publishFreeze(false, id);
            long pause = (System.nanoTime() - frozenAt) / 1_000_000;
            long lockMs = (locked - frozenAt) / 1_000_000;
            long drainMs = drainedAt == 0 ? 0 : (drainedAt - locked) / 1_000_000;
            audit.append(ACTOR, "done", details(id, "pauseMillis", pause, "generation", to, "lockMillis", lockMs,
                    "drainMillis", drainMs));
            LOG.info("{} {}: generation {} -> {}, fence {}, writes paused {} ms (lock {} ms, drain {} ms)", kind, id,
                    from, to, Lsn.format(fence), pause, lockMs, drainMs);
            return new CutoverResult(id, kind, CutoverResult.Outcome.COMPLETED, from, to, fence, pause, null, null, gateResults);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (live == to) {
                LOG.error("{} {}: generation {} is live but unfreezing failed at {}: {}", kind, id, to, step, reason);
            } else {
                releaseTargets(targetLocks, false);
                abort(id, freeze, flipped, from, step, reason, forward);
            }
            long pause = (System.nanoTime() - frozenAt) / 1_000_000;
            return aborted(id, kind, from, to, fence, pause, step, reason, gateResults);
        }
    }

    private void abort(String id, SourceFreeze freeze, boolean flipped, long from, String step, String reason,
                       boolean forward) {
        LOG.warn("{}: aborted at step {}: {}; the old layout (generation {}) stays live", id, step, reason, from);
        if (freeze != null) {
            freeze.abort();
            freeze.close();
        }
        if (forward) {
            for (TargetSpec t : spec.targets()) {
                try (Connection c = ReverseLog.connect(t)) {
                    ReverseLog.stop(c, tables);
                } catch (SQLException e) {
                    LOG.warn("{}: cannot remove the reverse log trigger on {}: {}", id, t.name(), e.getMessage());
                }
            }
        }
        try {
            if (flipped) {
                publisher.publishGeneration(from, previous, id + " aborted");
            }
            publisher.publishFreeze(false, id + " aborted");
        } catch (RuntimeException e) {
            LOG.error("{}: cannot publish the abort on the config topic: {}", id, e.getMessage());
        }
        audit.append(ACTOR, "abort", details(id, "step", step, "reason", reason, "generation", from));
    }

    /** Opens a transaction on each target holding its tables locked against writes. */
    private List<Connection> lockTargets() throws SQLException {
        List<Connection> locked = new ArrayList<>();
        try {
            for (TargetSpec t : spec.targets()) {
                Connection c = ReverseLog.connect(t);
                locked.add(c);
                c.setAutoCommit(false);
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("SET LOCAL lock_timeout = " + Math.max(1, options.freezeTimeout().toMillis()));
                }
                ReverseLog.lock(c, tables);
            }
            return locked;
        } catch (SQLException e) {
            releaseTargets(locked, false);
            throw e;
        }
    }

    /** Ends the target transactions: on success the reverse log stops (the old layout is live again). */
    private void releaseTargets(List<Connection> locked, boolean rolledBack) {
        for (Connection c : locked) {
            try {
                if (rolledBack) {
                    ReverseLog.stop(c, tables);
                    c.commit();
                } else {
                    c.rollback();
                }
            } catch (SQLException e) {
                LOG.warn("cannot release a target after {}: {}", rolledBack ? "rollback" : "abort", e.getMessage());
            } finally {
                try {
                    c.close();
                } catch (SQLException e) {
                    // the lock ends with the session
                }
            }
        }
    }

    private CutoverResult aborted(String id, String kind, long from, long to, long fence, long pause, String step,
                                  String reason, List<Gate.GateResult> gates) {
        return new CutoverResult(id, kind, CutoverResult.Outcome.ABORTED, from, to, fence, pause, step, reason, gates);
    }

    private CutoverResult finish(CutoverResult r) {
        last = r;
        return r;
    }

    private List<TableId> tableIds() {
        return tables.stream().map(TableSchema::id).toList();
    }

    private static Map<String, Object> details(String id, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(String.valueOf(kv[i]), kv[i + 1]);
        }
        return m;
    }

    /** The generation live now. */
    public synchronized long liveGeneration() {
        return live;
    }

    /** The last cutover or rollback, if any ran. */
    public synchronized Optional<CutoverResult> lastResult() {
        return Optional.ofNullable(last);
    }

    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", c, e.getMessage());
            }
        }
    }
}
