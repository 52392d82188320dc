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
import static io.shardshift.cutover.SwitchStep.COPY_BACK;
import static io.shardshift.cutover.SwitchStep.DRAIN;
import static io.shardshift.cutover.SwitchStep.FENCE;
import static io.shardshift.cutover.SwitchStep.FLIP;
import static io.shardshift.cutover.SwitchStep.FREEZE;
import static io.shardshift.cutover.SwitchStep.PREPARE;
import static io.shardshift.cutover.SwitchStep.RELEASE;
import static io.shardshift.cutover.SwitchStep.REVERSE_LOG;
import static io.shardshift.cutover.SwitchStep.UNFREEZE;

/**
 * One switch between layouts, the part of a cutover or rollback that pauses writes, as a fixed sequence of
 * named {@link SwitchStep}s:
 * <ul>
 *   <li>cutover: {@code prepare} (source connection, reverse log on the targets), {@code freeze} (config topic,
 *       then the source lock), {@code fence}, {@code drain}, {@code reverse-log} (observation window recorded,
 *       the source rejects writes of the moved rows), {@code flip}, {@code alias}, {@code release} (the new
 *       generation is live, the observation window opens), {@code unfreeze};</li>
 *   <li>rollback: {@code prepare}, {@code freeze}, {@code fence} (then the source accepts writes again),
 *       {@code copy-back} (target locks, remaining writes copied to the source), {@code flip}, {@code alias},
 *       {@code release} (the observation window closes), {@code unfreeze}.</li>
 * </ul>
 * The steps of the pause are written to the audit trail after the unfreeze (or before the abort entry), each
 * with the time it happened. A failure before the new generation is live aborts: the target locks are released,
 * the source transaction rolled back, the reverse log stopped (cutover), the generation republished as before if
 * the flip was reached, writes unfrozen; the old layout stays live. A failure after it (at {@code release}
 * past the commit, or {@code unfreeze}) is logged and reported, nothing is undone.
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

    LayoutSwitch(MigrationSpec spec, List<TableSchema> tables, CutoverController.Drainer drainer, ConfigPublisher publisher,
                 AuditTrail audit, CutoverOptions options, ObservationWindow observation) {
        this(tables.stream().map(TableSchema::id).toList(), options.observationWindow(),
                () -> new LiveSwitchEffects(spec, List.copyOf(tables), drainer, publisher, audit, options, observation));
    }

    /** @param effects a new {@link SwitchEffects} for each run */
    LayoutSwitch(List<TableId> tableIds, Duration observationWindow, Supplier<SwitchEffects> effects) {
        this.tableIds = List.copyOf(tableIds);
        this.observationWindow = observationWindow;
        this.effects = effects;
    }

    /**
     * Cuts over from generation {@code from} to {@code to}.
     *
     * @param previous the generation before {@code from}, republished if an aborted switch had flipped already
     * @param onLive   told once {@code to} is live (after the flip and the release, before the unfreeze)
     */
    CutoverResult cutover(String id, long from, long to, long previous, List<Gate.GateResult> gateResults, Live onLive) {
        SwitchRun run = new SwitchRun(SwitchKind.CUTOVER, id, from, to, previous, gateResults, onLive, effects.get(),
                tableIds, observationWindow);
        return run.execute(List.of(
                new SwitchRun.Step(PREPARE, run::prepareWithReverseLog),
                new SwitchRun.Step(FREEZE, run::freeze),
                new SwitchRun.Step(FENCE, run::fence),
                new SwitchRun.Step(DRAIN, run::drain),
                new SwitchRun.Step(REVERSE_LOG, run::rejectWritesOnSource),
                new SwitchRun.Step(FLIP, run::flip),
                new SwitchRun.Step(ALIAS, run::swapAlias),
                new SwitchRun.Step(RELEASE, run::releaseAndObserve),
                new SwitchRun.Step(UNFREEZE, run::unfreeze)),
                run::stopReverseLog);
    }

    /**
     * Rolls back from generation {@code from} to the earlier {@code to}.
     *
     * @param previous the generation before {@code from}, republished if an aborted switch had flipped already
     * @param onLive   told once {@code to} is live (after the flip and the release, before the unfreeze)
     */
    CutoverResult rollback(String id, long from, long to, long previous, Live onLive) {
        SwitchRun run = new SwitchRun(SwitchKind.ROLLBACK, id, from, to, previous, List.of(), onLive, effects.get(),
                tableIds, observationWindow);
        return run.execute(List.of(
                new SwitchRun.Step(PREPARE, run::prepare),
                new SwitchRun.Step(FREEZE, run::freeze),
                new SwitchRun.Step(FENCE, run::fenceAndAllowWrites),
                new SwitchRun.Step(COPY_BACK, run::copyBack),
                new SwitchRun.Step(FLIP, run::flip),
                new SwitchRun.Step(ALIAS, run::swapAlias),
                new SwitchRun.Step(RELEASE, run::releaseAndCloseObservation),
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
