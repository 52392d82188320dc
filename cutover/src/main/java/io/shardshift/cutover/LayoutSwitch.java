package io.shardshift.cutover;

import io.shardshift.audit.AuditTrail;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.cutover.internal.ObservationWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static io.shardshift.cutover.SwitchStep.ALIAS;
import static io.shardshift.cutover.SwitchStep.COMMIT;
import static io.shardshift.cutover.SwitchStep.COPY_BACK;
import static io.shardshift.cutover.SwitchStep.DRAIN;
import static io.shardshift.cutover.SwitchStep.FENCE;
import static io.shardshift.cutover.SwitchStep.FLIP;
import static io.shardshift.cutover.SwitchStep.FREEZE;
import static io.shardshift.cutover.SwitchStep.MANIFEST;
import static io.shardshift.cutover.SwitchStep.PREPARE;
import static io.shardshift.cutover.SwitchStep.RELEASE;
import static io.shardshift.cutover.SwitchStep.REVERSE_LOG;
import static io.shardshift.cutover.SwitchStep.SNAPSHOT;
import static io.shardshift.cutover.SwitchStep.UNIQUE_INDEXES;
import static io.shardshift.cutover.SwitchStep.UNFREEZE;

/**
 * One switch between layouts, the part of a cutover or rollback that pauses writes, as a fixed sequence of
 * named {@link SwitchStep}s, in two parts around the source commit:
 * <ul>
 *   <li>cutover: {@code prepare} (source connection, reverse log on the targets), {@code freeze} (config topic,
 *       then the source lock), {@code fence}, {@code drain}, {@code unique-indexes} (the targets' unique indexes
 *       made unique: after the drain nothing arrives out of order; rows sharing a key abort the cutover, naming
 *       them), {@code snapshot} (the targets' fence state held for the integrity manifest), {@code reverse-log}
 *       (observation window recorded, the source rejects writes of the moved rows), {@code commit}; then
 *       {@code flip}, {@code alias}, {@code release} (the observation window opens), {@code unfreeze},
 *       {@code manifest} (read from the snapshot once writes resume, so it never lengthens the pause);</li>
 *   <li>rollback: {@code prepare}, {@code freeze}, {@code fence} (then the source accepts writes again),
 *       {@code copy-back} (target locks, remaining writes copied to the source), {@code commit}; then
 *       {@code release} (the targets commit and reject application writes, the observation window closes),
 *       {@code flip}, {@code alias}, {@code unique-indexes} (non-unique stand-ins again, since the forward stream
 *       applies out of order again), {@code unfreeze}.</li>
 * </ul>
 * The source commit is the point of no return, and the source is the record of which generation is live: the
 * commit makes the reject trigger (or its removal) and the observation record durable and releases the lock in one
 * step, so from then on the trigger, not the lock, keeps writes of the moved rows off the old layout (a writer that
 * waited on the lock fails with SQLSTATE 55000). The config topic and the alias follow the source; if the process
 * dies between the commit and the unfreeze, {@link Reconciler} brings them in line when a controller starts again.
 *
 * <p>A failure before the commit aborts: the target locks and the source transaction are rolled back, the reverse
 * log stopped (cutover), writes unfrozen (if they were frozen), and only then is the audit trail written, so an
 * audit failure never keeps a lock. A failure after the commit is retried (publishing, the alias swap) with
 * bounded backoff and otherwise reported as a warning ({@link CutoverResult.Outcome#COMPLETED_WITH_WARNINGS});
 * nothing is undone, and writes are unfrozen unless the generation could not be published. The steps of the pause
 * are written to the audit trail after the unfreeze (or after the abort's undo), each with the time it happened.
 */
final class LayoutSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(LayoutSwitch.class);

    /** Told when the new generation is live. */
    @FunctionalInterface
    interface Live {
        void set(long from, long to);
    }

    private final List<TableId> tableIds;
    private final Duration observationWindow;
    private final Supplier<SwitchEffects> effects;
    private final Retry retry;

    LayoutSwitch(MigrationSpec spec, List<TableSchema> tables, CutoverController.Drainer drainer, ConfigPublisher publisher,
                 AuditTrail audit, CutoverOptions options, ObservationWindow observation) {
        this(tables.stream().map(TableSchema::id).toList(), options.observationWindow(),
                () -> new LiveSwitchEffects(spec, List.copyOf(tables), drainer, publisher, audit, options, observation),
                Retry.DEFAULT);
    }

    /**
     * @param effects a new {@link SwitchEffects} for each run
     * @param retry   how the idempotent steps after the commit are retried
     */
    LayoutSwitch(List<TableId> tableIds, Duration observationWindow, Supplier<SwitchEffects> effects, Retry retry) {
        this.tableIds = List.copyOf(tableIds);
        this.observationWindow = observationWindow;
        this.effects = effects;
        this.retry = retry;
    }

    /**
     * Cuts over from generation {@code from} to {@code to}.
     *
     * @param onLive told once {@code to} is live (the source committed the cutover)
     */
    CutoverResult cutover(String id, long from, long to, List<Gate.GateResult> gateResults, Live onLive) {
        SwitchRun run = new SwitchRun(SwitchKind.CUTOVER, id, from, to, gateResults, onLive, effects.get(), tableIds,
                observationWindow, retry);
        return run.execute(List.of(
                        new SwitchRun.Step(PREPARE, run::prepareWithReverseLog),
                        new SwitchRun.Step(FREEZE, run::freeze),
                        new SwitchRun.Step(FENCE, run::fence),
                        new SwitchRun.Step(DRAIN, run::drain),
                        new SwitchRun.Step(UNIQUE_INDEXES, run::enforceUniqueIndexes),
                        new SwitchRun.Step(SNAPSHOT, run::holdFenceSnapshot),
                        new SwitchRun.Step(REVERSE_LOG, run::rejectWritesOnSource),
                        new SwitchRun.Step(COMMIT, run::commit)),
                List.of(
                        new SwitchRun.Step(FLIP, run::flip),
                        new SwitchRun.Step(ALIAS, run::swapAlias),
                        new SwitchRun.Step(RELEASE, run::observe),
                        new SwitchRun.Step(UNFREEZE, run::unfreeze),
                        new SwitchRun.Step(MANIFEST, run::writeManifest)),
                run::undoCutover);
    }

    /**
     * Rolls back from generation {@code from} to the earlier {@code to}.
     *
     * @param onLive told once {@code to} is live (the source committed the rollback)
     */
    CutoverResult rollback(String id, long from, long to, Live onLive) {
        SwitchRun run = new SwitchRun(SwitchKind.ROLLBACK, id, from, to, List.of(), onLive, effects.get(), tableIds,
                observationWindow, retry);
        return run.execute(List.of(
                        new SwitchRun.Step(PREPARE, run::prepare),
                        new SwitchRun.Step(FREEZE, run::freeze),
                        new SwitchRun.Step(FENCE, run::fenceAndAllowWrites),
                        new SwitchRun.Step(COPY_BACK, run::copyBack),
                        new SwitchRun.Step(COMMIT, run::commit)),
                List.of(
                        new SwitchRun.Step(RELEASE, run::releaseTargetsAndCloseObservation),
                        new SwitchRun.Step(FLIP, run::flip),
                        new SwitchRun.Step(ALIAS, run::swapAlias),
                        new SwitchRun.Step(UNIQUE_INDEXES, run::relaxUniqueIndexes),
                        new SwitchRun.Step(UNFREEZE, run::unfreeze)),
                () -> { });
    }

    static CutoverResult aborted(String id, SwitchKind kind, long from, long to, long fence, long pause, SwitchStep step,
                                 String reason, List<Gate.GateResult> gates) {
        return new CutoverResult(id, kind, CutoverResult.Outcome.ABORTED, from, to, fence, pause, step, reason, gates);
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
