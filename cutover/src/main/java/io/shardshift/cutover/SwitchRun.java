package io.shardshift.cutover;

import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.TableId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.shardshift.cutover.LayoutSwitch.details;

/**
 * The state of one {@link LayoutSwitch} run and its steps: each step method does one {@link SwitchStep} of a
 * cutover or a rollback; {@link #execute} runs a sequence of them and aborts on the first failure.
 */
final class SwitchRun {
    private static final Logger LOG = LoggerFactory.getLogger(SwitchRun.class);

    /** One named step of a sequence. */
    record Step(SwitchStep name, Action action) {
    }

    /** What a step does. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /** A step of the pause noted for the audit trail, with the time it happened in its details. */
    record Noted(String entry, Map<String, Object> details) {
    }

    private final SwitchKind kind;
    private final String id;
    private final long from;
    private final long to;
    private final long previous;
    private final List<Gate.GateResult> gateResults;
    private final LayoutSwitch.Live onLive;
    private final SwitchEffects effects;
    private final List<TableId> tableIds;
    private final Duration observationWindow;
    private final List<Noted> noted = new ArrayList<>();
    private long frozenAt = System.nanoTime();
    private long locked;
    private long drainedAt;
    private long fence;
    private boolean flipped;
    private boolean live;
    private long pauseMillis;
    private Instant observeUntil;

    SwitchRun(SwitchKind kind, String id, long from, long to, long previous, List<Gate.GateResult> gateResults,
              LayoutSwitch.Live onLive, SwitchEffects effects, List<TableId> tableIds, Duration observationWindow) {
        this.kind = kind;
        this.id = id;
        this.from = from;
        this.to = to;
        this.previous = previous;
        this.gateResults = gateResults;
        this.onLive = onLive;
        this.effects = effects;
        this.tableIds = tableIds;
        this.observationWindow = observationWindow;
    }

    /**
     * Runs the steps in order. On a failure before the new generation is live, releases the target locks, writes
     * the noted steps, then aborts ({@code undoOnAbort} runs after the source transaction is rolled back).
     */
    CutoverResult execute(List<Step> steps, Runnable undoOnAbort) {
        SwitchStep current = steps.get(0).name();
        try {
            for (Step step : steps) {
                current = step.name();
                step.action().run();
            }
            return new CutoverResult(id, kind, CutoverResult.Outcome.COMPLETED, from, to, fence, pauseMillis, null, null,
                    gateResults);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (live) {
                LOG.error("{} {}: generation {} is live but unfreezing failed at {}: {}", kind, id, to, current, reason);
                flush();
            } else {
                effects.releaseTargetsAfterAbort();
                flush();
                abort(current, reason, undoOnAbort);
            }
            long pause = (System.nanoTime() - frozenAt) / 1_000_000;
            return LayoutSwitch.aborted(id, kind, from, to, fence, pause, current, reason, gateResults);
        }
    }

    /** Opens the source connection (outside the pause). */
    void prepare() throws Exception {
        effects.openSource();
    }

    /**
     * Opens the source connection and starts the reverse log on the targets, outside the pause (it logs
     * application writes only, and applications write to the targets only once the new generation is live).
     */
    void prepareWithReverseLog() throws Exception {
        effects.openSource();
        effects.startReverseLog();
    }

    void freeze() throws Exception {
        frozenAt = System.nanoTime();
        effects.publishFreeze(true, id);
        effects.lockSource();
        note("freeze", details(id, "tables", tableIds.toString()));
    }

    void fence() throws Exception {
        locked = System.nanoTime();
        fence = effects.fenceLsn();
        note("fence", details(id, "lsn", Lsn.format(fence)));
    }

    void fenceAndAllowWrites() throws Exception {
        fence();
        effects.allowWritesOnSource();
    }

    void drain() throws Exception {
        effects.awaitApplied(fence);
        drainedAt = System.nanoTime();
        note("drained", details(id, "lsn", Lsn.format(fence)));
    }

    void rejectWritesOnSource() throws Exception {
        observeUntil = Instant.now().plus(observationWindow);
        effects.rejectWritesOnSource(to, observeUntil);
    }

    void copyBack() throws Exception {
        long copied = effects.copyBack();
        note("copied-back", details(id, "writes", copied));
    }

    void flip() {
        flipped = true;
        effects.publishGeneration(to, from, id);
    }

    void swapAlias() throws Exception {
        effects.swapAlias(from, to);
    }

    void releaseAndObserve() throws Exception {
        release();
        note("observation-started", details(id, "generation", to, "until", observeUntil.toString()));
        effects.openObservation(to, observeUntil);
    }

    void releaseAndCloseObservation() throws Exception {
        release();
        effects.closeObservationByRollback();
    }

    private void release() throws Exception {
        effects.release(fence, to);
        onLive.set(from, to);
        live = true;
        note("flip", details(id, "generation", to, "previous", from));
    }

    void unfreeze() {
        effects.publishFreeze(false, id);
        pauseMillis = (System.nanoTime() - frozenAt) / 1_000_000;
        flush();
        long lockMs = (locked - frozenAt) / 1_000_000;
        long drainMs = drainedAt == 0 ? 0 : (drainedAt - locked) / 1_000_000;
        effects.audit("done", details(id, "pauseMillis", pauseMillis, "generation", to, "lockMillis", lockMs,
                "drainMillis", drainMs));
        LOG.info("{} {}: generation {} -> {}, fence {}, writes paused {} ms (lock {} ms, drain {} ms)", kind, id,
                from, to, Lsn.format(fence), pauseMillis, lockMs, drainMs);
    }

    void stopReverseLog() {
        effects.stopReverseLog(id);
    }

    /**
     * Notes a step of the pause with the time it happened; written to the audit trail once writes are unfrozen
     * (or before the abort entry), so no audit write lengthens the pause.
     */
    private void note(String entry, Map<String, Object> details) {
        details.put("at", Instant.now().toString());
        noted.add(new Noted(entry, details));
    }

    private void flush() {
        for (Noted n : noted) {
            effects.audit(n.entry(), n.details());
        }
        noted.clear();
    }

    private void abort(SwitchStep step, String reason, Runnable undoOnAbort) {
        LOG.warn("{}: aborted at step {}: {}; the old layout (generation {}) stays live", id, step, reason, from);
        effects.abortSource();
        undoOnAbort.run();
        try {
            if (flipped) {
                effects.publishGeneration(from, previous, id + " aborted");
            }
            effects.publishFreeze(false, id + " aborted");
        } catch (RuntimeException e) {
            LOG.error("{}: cannot publish the abort on the config topic: {}", id, e.getMessage());
        }
        effects.audit("abort", details(id, "step", step.wireName(), "reason", reason, "generation", from));
    }
}
