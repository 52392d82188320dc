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
 * cutover or a rollback. {@link #execute} runs the steps up to the commit, aborting (and undoing) on the first
 * failure, then the steps after it, which are never undone: a failure there is retried where the step is
 * idempotent and otherwise reported as a warning.
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
    private final List<Gate.GateResult> gateResults;
    private final LayoutSwitch.Live onLive;
    private final SwitchEffects effects;
    private final List<TableId> tableIds;
    private final Duration observationWindow;
    private final Retry retry;
    private final List<Noted> noted = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private SwitchStep firstWarning;
    private long frozenAt = System.nanoTime();
    private boolean freezePublished;
    private boolean flipped;
    private boolean interrupted;
    private boolean uniqueTouched;
    private long locked;
    private long drainedAt;
    private long committedAt;
    private long fence;
    private Instant observeUntil;
    private String snapshotFailure = "not taken";

    SwitchRun(SwitchKind kind, String id, long from, long to, List<Gate.GateResult> gateResults, LayoutSwitch.Live onLive,
              SwitchEffects effects, List<TableId> tableIds, Duration observationWindow, Retry retry) {
        this.kind = kind;
        this.id = id;
        this.from = from;
        this.to = to;
        this.gateResults = gateResults;
        this.onLive = onLive;
        this.effects = effects;
        this.tableIds = tableIds;
        this.observationWindow = observationWindow;
        this.retry = retry;
    }

    /**
     * Runs {@code beforeCommit} in order, the last of which commits the source; on a failure there, rolls back
     * and unfreezes ({@code undoOnAbort} runs after the source transaction is rolled back) and reports the abort.
     * Then runs {@code afterCommit}: each step runs even if an earlier one failed, except that writes stay frozen
     * when the generation could not be published.
     */
    CutoverResult execute(List<Step> beforeCommit, List<Step> afterCommit, Runnable undoOnAbort) {
        try {
            return executeSteps(beforeCommit, afterCommit, undoOnAbort);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * An interrupt (the automatic cutover closing, say) is remembered and cleared while the switch undoes or
     * finishes, so the undo and the unfreeze still reach the config topic; {@link #execute} sets it again.
     */
    private CutoverResult executeSteps(List<Step> beforeCommit, List<Step> afterCommit, Runnable undoOnAbort) {
        SwitchStep current = beforeCommit.get(0).name();
        try {
            for (Step step : beforeCommit) {
                current = step.name();
                step.action().run();
                StepHook.after(kind, step.name().wireName());
            }
        } catch (Exception e) {
            clearInterrupt();
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            abort(current, reason, undoOnAbort);
            long pause = freezePublished ? (System.nanoTime() - frozenAt) / 1_000_000 : 0;
            return LayoutSwitch.aborted(id, kind, from, to, fence, pause, current, reason, gateResults);
        }
        onLive.set(from, to);
        for (Step step : afterCommit) {
            if (step.name() == SwitchStep.UNFREEZE && !flipped) {
                warn(step.name(), "writes stay frozen: generation " + to + " is not published yet");
                continue;
            }
            try {
                step.action().run();
            } catch (Exception e) {
                clearInterrupt();
                warn(step.name(), e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            StepHook.after(kind, step.name().wireName());
        }
        long pause = (System.nanoTime() - frozenAt) / 1_000_000;
        if (warnings.isEmpty()) {
            return new CutoverResult(id, kind, CutoverResult.Outcome.COMPLETED, from, to, fence, pause, null, null,
                    gateResults);
        }
        return new CutoverResult(id, kind, CutoverResult.Outcome.COMPLETED_WITH_WARNINGS, from, to, fence, pause,
                firstWarning, String.join("; ", warnings), gateResults);
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
        freezePublished = true;
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

    /** Makes the targets' unique indexes unique (idempotent); refused naming the keys that rows share. */
    void enforceUniqueIndexes() {
        uniqueTouched = true;
        effects.enforceUniqueIndexes();
        note("unique-indexes", details(id, "unique", true));
    }

    /** Makes the targets' unique indexes non-unique stand-ins again (idempotent). */
    void relaxUniqueIndexes() {
        effects.relaxUniqueIndexes();
        note("unique-indexes", details(id, "unique", false));
    }

    /**
     * Holds the targets' fence state for the manifest. A failure does not abort the cutover (the manifest is a
     * record, not a condition of the switch): it is logged, and the {@code manifest} step reports it as a warning.
     */
    void holdFenceSnapshot() {
        try {
            effects.holdFenceSnapshot();
            snapshotFailure = null;
        } catch (Exception e) {
            snapshotFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.error("{}: cannot hold the targets' fence snapshot; this cutover will have no integrity manifest: {}", id,
                    snapshotFailure);
        }
    }

    /** Reads the manifest from the fence snapshot and records it (after the unfreeze). */
    void writeManifest() throws Exception {
        if (snapshotFailure != null) {
            throw new IllegalStateException("no integrity manifest: the fence snapshot failed: " + snapshotFailure);
        }
        effects.writeManifest(id, to, fence);
    }

    void rejectWritesOnSource() throws Exception {
        observeUntil = Instant.now().plus(observationWindow);
        effects.rejectWritesOnSource(to, observeUntil);
    }

    void copyBack() throws Exception {
        long copied = effects.copyBack(fence, to);
        note("copied-back", details(id, "writes", copied));
    }

    /** The point of no return: the source records the switch. */
    void commit() throws Exception {
        effects.commitSource();
        committedAt = System.nanoTime();
        note("commit", details(id, "generation", to, "previous", from));
    }

    void flip() throws Exception {
        retry.run(() -> effects.publishGeneration(to, from, id));
        flipped = true;
        note("flip", details(id, "generation", to, "previous", from));
    }

    void swapAlias() throws Exception {
        retry.run(() -> effects.swapAlias(from, to));
    }

    void observe() {
        note("observation-started", details(id, "generation", to, "until", observeUntil.toString()));
        effects.openObservation(to, observeUntil);
    }

    void releaseTargetsAndCloseObservation() throws Exception {
        try {
            retry.run(() -> effects.releaseTargets(fence, to));
        } finally {
            effects.closeObservationByRollback();
        }
    }

    void unfreeze() throws Exception {
        retry.run(() -> effects.publishFreeze(false, id));
        long pauseMillis = (System.nanoTime() - frozenAt) / 1_000_000;
        long lockMs = (locked - frozenAt) / 1_000_000;
        long drainMs = drainedAt == 0 ? 0 : (drainedAt - locked) / 1_000_000;
        long lockHeldMs = (committedAt - locked) / 1_000_000;
        flush();
        audit("done", details(id, "pauseMillis", pauseMillis, "generation", to, "lockMillis", lockMs,
                "drainMillis", drainMs, "lockHeldMillis", lockHeldMs));
        LOG.info("{} {}: generation {} -> {}, fence {}, writes paused {} ms (lock {} ms, drain {} ms, lock held {} ms)",
                kind, id, from, to, Lsn.format(fence), pauseMillis, lockMs, drainMs, lockHeldMs);
    }

    /**
     * The undo of an aborted cutover, after the source rolled back: the reverse log stopped, and the unique
     * indexes non-unique again if the cutover had started making them unique (a failure is logged and audited).
     */
    void undoCutover() {
        effects.dropFenceSnapshot();
        effects.stopReverseLog(id);
        if (uniqueTouched) {
            try {
                relaxUniqueIndexes();
            } catch (RuntimeException e) {
                LOG.error("{}: the targets' unique indexes could not be made non-unique again after the abort: {}; the"
                        + " forward stream may fail on them until they are", id, e.getMessage());
                note("warning", details(id, "step", SwitchStep.UNIQUE_INDEXES.wireName(), "reason", e.getMessage(),
                        "generation", from));
            }
        }
    }

    /**
     * Notes a step of the pause with the time it happened; written to the audit trail once writes are unfrozen
     * (or after the abort's undo), so no audit write lengthens the pause.
     */
    private void note(String entry, Map<String, Object> details) {
        details.put("at", Instant.now().toString());
        noted.add(new Noted(entry, details));
    }

    /** Writes the noted steps, each once: an entry is taken off the list before it is written. */
    private void flush() {
        while (!noted.isEmpty()) {
            Noted n = noted.remove(0);
            audit(n.entry(), n.details());
        }
    }

    private void audit(String entry, Map<String, Object> details) {
        try {
            effects.audit(entry, details);
        } catch (RuntimeException e) {
            LOG.error("{}: cannot write audit entry {} {}: {}", id, entry, details, e.getMessage());
        }
    }

    private void warn(SwitchStep step, String reason) {
        if (firstWarning == null) {
            firstWarning = step;
        }
        warnings.add(step.wireName() + ": " + reason);
        LOG.error("{} {}: generation {} is live (the source committed) but step {} failed: {}", kind, id, to, step,
                reason);
        if (step == SwitchStep.UNFREEZE) {
            flush();
        }
        audit("warning", details(id, "step", step.wireName(), "reason", reason, "generation", to));
    }

    /** Undoes what the steps before the commit did; every undo runs even if an earlier one fails. */
    private void abort(SwitchStep step, String reason, Runnable undoOnAbort) {
        LOG.warn("{}: aborted at step {}: {}; the old layout (generation {}) stays live", id, step, reason, from);
        quietly("release the targets", effects::releaseTargetsAfterAbort);
        quietly("roll back the source", effects::abortSource);
        quietly("undo", undoOnAbort::run);
        if (freezePublished) {
            quietly("unfreeze", () -> retry.run(() -> effects.publishFreeze(false, id + " aborted")));
        }
        flush();
        audit("abort", details(id, "step", step.wireName(), "reason", reason, "generation", from));
    }

    private void clearInterrupt() {
        interrupted |= Thread.interrupted();
    }

    private void quietly(String what, Action action) {
        try {
            action.run();
        } catch (Exception e) {
            clearInterrupt();
            LOG.error("{}: cannot {} after the abort: {}", id, what, e.getMessage());
        }
    }
}
