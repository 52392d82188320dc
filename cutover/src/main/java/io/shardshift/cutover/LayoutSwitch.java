package io.shardshift.cutover;

import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.audit.AuditTrail;
import io.shardshift.cutover.internal.ObservationWindow;
import io.shardshift.cutover.internal.ReverseLog;
import io.shardshift.cutover.internal.ReverseReplicator;
import io.shardshift.cutover.internal.SourceFreeze;
import io.shardshift.cutover.internal.TargetLocks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One switch between layouts, the part of a cutover or rollback that pauses writes: freeze (config topic,
 * then the source lock), fence LSN, drain (cutover) or copy-back (rollback), the source's reject trigger,
 * the generation flip, the alias swap, release, unfreeze. Connections and the reverse log are set up before
 * the freeze; the steps of the pause are written to the audit trail after the unfreeze (or before the abort
 * entry), each with the time it happened. Any failure aborts: the lock is rolled back, the generation is
 * republished as before, writes are unfrozen, and the old layout stays live.
 */
final class LayoutSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(LayoutSwitch.class);
    private static final String ACTOR = "cutover";

    /** Told when the new generation is live. */
    @FunctionalInterface
    interface Live {
        void set(long from, long to);
    }

    private final MigrationSpec spec;
    private final List<TableSchema> tables;
    private final CutoverController.Drainer drainer;
    private final ConfigPublisher publisher;
    private final AuditTrail audit;
    private final CutoverOptions options;
    private final ObservationWindow observation;

    LayoutSwitch(MigrationSpec spec, List<TableSchema> tables, CutoverController.Drainer drainer, ConfigPublisher publisher,
                 AuditTrail audit, CutoverOptions options, ObservationWindow observation) {
        this.spec = spec;
        this.tables = List.copyOf(tables);
        this.drainer = drainer;
        this.publisher = publisher;
        this.audit = audit;
        this.options = options;
        this.observation = observation;
    }

    /**
     * Runs the switch from generation {@code from} to {@code to}.
     *
     * @param previous the generation before {@code from}, republished if an aborted switch had flipped already
     * @param onLive   told once {@code to} is live (after the flip and the release, before the unfreeze)
     */
    CutoverResult run(String id, String kind, long from, long to, long previous, List<Gate.GateResult> gateResults,
                      Live onLive) {
        boolean forward = "cutover".equals(kind);
        long frozenAt = System.nanoTime();
        String step = "prepare";
        List<Object[]> steps = new ArrayList<>();
        long fence = 0;
        boolean flipped = false;
        SourceFreeze freeze = null;
        TargetLocks targetLocks = TargetLocks.none();
        long drainedAt = 0;
        Instant observeUntil = null;
        long locked = 0;
        boolean released = false;
        try {
            // Outside the pause: the source connection, and on the targets the reverse log (it logs application
            // writes only, and applications write to the targets only once the new generation is live).
            freeze = SourceFreeze.open(spec.source().jdbcUrl(), spec.source().user(), spec.source().password(), tableIds());
            if (forward) {
                for (TargetSpec t : spec.targets()) {
                    ReverseLog.start(t, tables);
                }
            }
            step = "freeze";
            frozenAt = System.nanoTime();
            publisher.publishFreeze(true, id);
            freeze.lock(options.freezeTimeout());
            note(steps, "freeze", details(id, "tables", tableIds().toString()));
            step = "fence";
            locked = System.nanoTime();
            fence = freeze.fenceLsn();
            note(steps, "fence", details(id, "lsn", Lsn.format(fence)));
            if (forward) {
                step = "drain";
                drainer.awaitApplied(fence, options.drainTimeout());
                drainedAt = System.nanoTime();
                note(steps, "drained", details(id, "lsn", Lsn.format(fence)));
                step = "reverse-log";
                observeUntil = Instant.now().plus(options.observationWindow());
                ReverseReplicator.begin(freeze.connection(), spec.name(), targetNames(), to, observeUntil);
                freeze.rejectWritesFromNowOn(to, shardKeys(), spec.tenants());
            } else {
                freeze.allowWrites();
                step = "copy-back";
                targetLocks = TargetLocks.acquire(spec.targets(), tables, options.freezeTimeout());
                ReverseReplicator copier = new ReverseReplicator(spec, tables, Instant.EPOCH, r -> { });
                long copied = 0;
                for (int i = 0; i < targetLocks.size(); i++) {
                    copied += copier.copyInto(freeze.connection(), targetLocks.get(i), spec.targets().get(i).name(),
                            Long.MAX_VALUE).writes();
                }
                ReverseReplicator.end(freeze.connection(), spec.name());
                note(steps, "copied-back", details(id, "writes", copied));
            }
            step = "flip";
            flipped = true;
            publisher.publishGeneration(to, from, id);
            step = "alias";
            options.aliasSwap().swap(from, to);
            step = "release";
            freeze.commit();
            freeze.close();
            targetLocks.release(true, fence, to);
            onLive.set(from, to);
            released = true;
            note(steps, "flip", details(id, "generation", to, "previous", from));
            if (forward) {
                note(steps, "observation-started", details(id, "generation", to, "until", observeUntil.toString()));
                observation.open(to, observeUntil);
            } else {
                observation.closedByRollback();
            }
            step = "unfreeze";
            publisher.publishFreeze(false, id);
            long pause = (System.nanoTime() - frozenAt) / 1_000_000;
            flush(steps);
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
            if (released) {
                LOG.error("{} {}: generation {} is live but unfreezing failed at {}: {}", kind, id, to, step, reason);
            } else {
                targetLocks.release(false, 0, 0);
                flush(steps);
                abort(id, freeze, flipped, from, previous, step, reason, forward);
            }
            if (released) {
                flush(steps);
            }
            long pause = (System.nanoTime() - frozenAt) / 1_000_000;
            return aborted(id, kind, from, to, fence, pause, step, reason, gateResults);
        }
    }

    /**
     * Records a step of the pause with the time it happened; written to the audit trail once writes are unfrozen
     * (or before the abort entry), so no audit write lengthens the pause.
     */
    private static void note(List<Object[]> steps, String step, Map<String, Object> details) {
        details.put("at", Instant.now().toString());
        steps.add(new Object[] {step, details});
    }

    @SuppressWarnings("unchecked")
    private void flush(List<Object[]> steps) {
        for (Object[] s : steps) {
            audit.append(ACTOR, (String) s[0], (Map<String, Object>) s[1]);
        }
        steps.clear();
    }

    private void abort(String id, SourceFreeze freeze, boolean flipped, long from, long previous, String step,
                       String reason, boolean forward) {
        LOG.warn("{}: aborted at step {}: {}; the old layout (generation {}) stays live", id, step, reason, from);
        if (freeze != null) {
            freeze.abort();
            freeze.close();
        }
        if (forward) {
            for (TargetSpec t : spec.targets()) {
                try {
                    ReverseLog.stop(t, tables);
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

    static CutoverResult aborted(String id, String kind, long from, long to, long fence, long pause, String step,
                                 String reason, List<Gate.GateResult> gates) {
        return new CutoverResult(id, kind, CutoverResult.Outcome.ABORTED, from, to, fence, pause, step, reason, gates);
    }

    private List<TableId> tableIds() {
        return tables.stream().map(TableSchema::id).toList();
    }

    private List<String> targetNames() {
        return spec.targets().stream().map(TargetSpec::name).toList();
    }

    private Map<TableId, String> shardKeys() {
        return tables.stream().collect(Collectors.toMap(TableSchema::id, t -> spec.shardKeyOf(t.id())));
    }

    static Map<String, Object> details(String id, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(String.valueOf(kv[i]), kv[i + 1]);
        }
        return m;
    }
}
