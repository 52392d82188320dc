package io.shardshift.cutover;

import io.shardshift.core.event.TableId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cutover sequence of {@link LayoutSwitch} with recorded side effects: every step in order; for a failure
 * before the source commit, what is undone and that no later step runs; for a failure after it, that nothing is
 * undone, idempotent steps are retried and the rest still runs.
 */
class LayoutSwitchCutoverTest {
    private static final long FROM = 1;
    private static final long TO = 2;
    private static final Retry THREE_TRIES = new Retry(3, Duration.ZERO, Duration.ZERO);
    private static final String DRAIN = "drain to " + Long.toHexString(RecordingSwitchEffects.FENCE);

    /** Every call of a completed cutover, in order: the source commits before the config topic and the alias move. */
    static final List<String> CUTOVER = List.of(
            "open source",
            "start reverse log",
            "freeze writes",
            "lock source",
            "read fence",
            DRAIN,
            "enforce unique indexes",
            "hold fence snapshot",
            "reject writes on source for 2",
            "commit source",
            "publish generation 2 (previous 1)",
            "swap alias 1 -> 2",
            "open observation of 2",
            "unfreeze writes",
            "write manifest");

    /** What an abort after the freeze undoes, in order. */
    private static final List<String> UNDO = List.of(
            "release target locks (abort)",
            "roll back source",
            "drop fence snapshot",
            "stop reverse log",
            "unfreeze writes (abort)");

    /** What an abort before the freeze undoes: writes were never frozen, so they are not unfrozen. */
    private static final List<String> UNDO_UNFROZEN = UNDO.subList(0, 4);

    /** What an abort once the unique indexes were being made unique undoes: they are made non-unique again too. */
    private static final List<String> UNDO_UNIQUE = List.of(
            "release target locks (abort)",
            "roll back source",
            "drop fence snapshot",
            "stop reverse log",
            "relax unique indexes",
            "unfreeze writes (abort)");

    private final RecordingSwitchEffects effects = new RecordingSwitchEffects(FROM);
    private final List<String> live = new ArrayList<>();
    private final LayoutSwitch layoutSwitch = new LayoutSwitch(List.of(new TableId("public", "orders")),
            Duration.ofMinutes(30), () -> effects, THREE_TRIES);

    private CutoverResult cutover() {
        return layoutSwitch.cutover("cutover-1", FROM, TO, List.of(), (from, to) -> live.add(from + " -> " + to));
    }

    private CutoverResult cutoverFailingAt(String call) {
        effects.failOn(call);
        return cutover();
    }

    /** The calls of a cutover up to and including {@code call}, then {@code undo}. */
    private static List<String> upTo(String call, List<String> undo) {
        List<String> calls = new ArrayList<>(CUTOVER.subList(0, CUTOVER.indexOf(call) + 1));
        calls.addAll(undo);
        return calls;
    }

    /** The calls of a completed cutover with {@code call} made {@code times} times. */
    private static List<String> withRepeated(String call, int times) {
        List<String> calls = new ArrayList<>(CUTOVER);
        calls.addAll(CUTOVER.indexOf(call), Collections.nCopies(times - 1, call));
        return calls;
    }

    private void assertAbortedAt(CutoverResult result, SwitchStep step, String failedCall) {
        String reason = "IllegalStateException: " + failedCall + " failed";
        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.ABORTED);
        assertThat(result.kind()).isEqualTo(SwitchKind.CUTOVER);
        assertThat(result.failedStep()).isEqualTo(step);
        assertThat(result.reason()).isEqualTo(reason);
        assertThat(result.fromGeneration()).isEqualTo(FROM);
        assertThat(result.toGeneration()).isEqualTo(TO);
        RecordingSwitchEffects.Audited abort = effects.audits.get(effects.audits.size() - 1);
        assertThat(abort.entry()).isEqualTo("abort");
        assertThat(abort.details()).containsEntry("id", "cutover-1").containsEntry("step", step.wireName())
                .containsEntry("reason", reason).containsEntry("generation", FROM);
        assertThat(live).isEmpty();
        assertThat(effects.consistent()).as("source, config topic and alias agree, writes unfrozen").isTrue();
        assertThat(effects.sourceGeneration).isEqualTo(FROM);
    }

    private void assertLiveWithWarningAt(CutoverResult result, SwitchStep step) {
        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.COMPLETED_WITH_WARNINGS);
        assertThat(result.completed()).isTrue();
        assertThat(result.failedStep()).isEqualTo(step);
        assertThat(result.reason()).startsWith(step.wireName() + ": IllegalStateException");
        assertThat(live).containsExactly("1 -> 2");
        assertThat(effects.sourceGeneration).isEqualTo(TO);
        assertThat(effects.calls).doesNotContain("roll back source", "stop reverse log",
                "publish generation 1 (previous 2) (abort)", "swap alias 2 -> 1", "release target locks (abort)");
        assertThat(effects.auditEntries()).contains("warning").doesNotContain("abort");
    }

    @Test
    void shouldCommitTheSourceBeforePublishingAndAuditThePauseWhenNothingFails() {
        CutoverResult result = cutover();

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.COMPLETED);
        assertThat(result.failedStep()).isNull();
        assertThat(result.fenceLsn()).isEqualTo(RecordingSwitchEffects.FENCE);
        assertThat(effects.calls).isEqualTo(CUTOVER);
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "drained", "unique-indexes", "commit",
                "flip", "observation-started", "done");
        assertThat(effects.audits.get(1).details()).containsEntry("lsn", "1/2000");
        assertThat(live).containsExactly("1 -> 2");
        assertThat(effects.consistent()).isTrue();
        assertThat(effects.sourceGeneration).isEqualTo(TO);
    }

    @Test
    void shouldNeitherFreezeNorUnfreezeWhenOpeningTheSourceFails() {
        CutoverResult result = cutoverFailingAt("open source");

        assertAbortedAt(result, SwitchStep.PREPARE, "open source");
        assertThat(effects.calls).isEqualTo(upTo("open source", UNDO_UNFROZEN));
        assertThat(effects.auditEntries()).containsExactly("abort");
        assertThat(result.fenceLsn()).isZero();
        assertThat(result.pauseMillis()).isZero();
    }

    @Test
    void shouldStopReverseLogAndNeverPublishTheFreezeWhenStartingTheReverseLogFails() {
        CutoverResult result = cutoverFailingAt("start reverse log");

        assertAbortedAt(result, SwitchStep.PREPARE, "start reverse log");
        assertThat(effects.calls).isEqualTo(upTo("start reverse log", UNDO_UNFROZEN));
        assertThat(effects.auditEntries()).containsExactly("abort");
    }

    @Test
    void shouldUnfreezeAndRollBackTheLockWhenLockingTheSourceFails() {
        CutoverResult result = cutoverFailingAt("lock source");

        assertAbortedAt(result, SwitchStep.FREEZE, "lock source");
        assertThat(effects.calls).isEqualTo(upTo("lock source", UNDO));
        assertThat(effects.auditEntries()).containsExactly("abort");
    }

    @Test
    void shouldReleaseFreezeWithNoFenceWhenReadingTheFenceFails() {
        CutoverResult result = cutoverFailingAt("read fence");

        assertAbortedAt(result, SwitchStep.FENCE, "read fence");
        assertThat(effects.calls).isEqualTo(upTo("read fence", UNDO));
        assertThat(effects.auditEntries()).containsExactly("freeze", "abort");
        assertThat(result.fenceLsn()).isZero();
    }

    @Test
    void shouldReleaseFreezeAndKeepGenerationWhenDrainFails() {
        CutoverResult result = cutoverFailingAt(DRAIN);

        assertAbortedAt(result, SwitchStep.DRAIN, DRAIN);
        assertThat(effects.calls).isEqualTo(upTo(DRAIN, UNDO));
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "abort");
        assertThat(result.fenceLsn()).isEqualTo(RecordingSwitchEffects.FENCE);
    }

    @Test
    void shouldRollBackTheRejectTriggerAndKeepGenerationWhenRecordingTheReverseLogFails() {
        CutoverResult result = cutoverFailingAt("reject writes on source for 2");

        assertAbortedAt(result, SwitchStep.REVERSE_LOG, "reject writes on source for 2");
        assertThat(effects.calls).isEqualTo(upTo("reject writes on source for 2", UNDO_UNIQUE));
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "drained", "unique-indexes",
                "unique-indexes", "abort");
        assertThat(effects.uniqueEnforced).isFalse();
    }

    @Test
    void shouldAbortNamingTheDuplicatedKeysAndMakeTheIndexesNonUniqueAgainWhenTheyCannotBeMadeUnique() {
        CutoverResult result = cutoverFailingAt("enforce unique indexes");

        assertAbortedAt(result, SwitchStep.UNIQUE_INDEXES, "enforce unique indexes");
        assertThat(effects.calls).isEqualTo(upTo("enforce unique indexes", UNDO_UNIQUE));
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "drained", "unique-indexes", "abort");
        assertThat(effects.audits.get(3).details()).containsEntry("unique", false);
        assertThat(effects.uniqueEnforced).isFalse();
    }

    @Test
    void shouldMakeTheUniqueIndexesUniqueBeforeTheSourceCommits() {
        cutover();

        assertThat(effects.calls).containsSubsequence(DRAIN, "enforce unique indexes", "commit source");
        assertThat(effects.uniqueEnforced).isTrue();
        assertThat(effects.audits.get(3).details()).containsEntry("unique", true);
    }

    @Test
    void shouldAbortWithoutEverPublishingTheGenerationWhenTheSourceCommitFails() {
        CutoverResult result = cutoverFailingAt("commit source");

        assertAbortedAt(result, SwitchStep.COMMIT, "commit source");
        assertThat(effects.calls).isEqualTo(upTo("commit source", UNDO_UNIQUE))
                .doesNotContain("publish generation 2 (previous 1)", "swap alias 1 -> 2");
    }

    @Test
    void shouldStillRollBackTheSourceAndUnfreezeWhenTheAuditTrailFailsDuringTheAbort() {
        effects.failAuditOf("fence").failAuditOf("abort");

        CutoverResult result = cutoverFailingAt(DRAIN);

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.ABORTED);
        assertThat(result.failedStep()).isEqualTo(SwitchStep.DRAIN);
        assertThat(effects.calls).isEqualTo(upTo(DRAIN, UNDO));
        assertThat(effects.frozen).isFalse();
    }

    @Test
    void shouldRetryThePublishOfTheGenerationAfterTheCommit() {
        CutoverResult result = cutoverFailingAt("publish generation 2 (previous 1)", 2);

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.COMPLETED);
        assertThat(effects.calls).isEqualTo(withRepeated("publish generation 2 (previous 1)", 3));
        assertThat(effects.consistent()).isTrue();
    }

    @Test
    void shouldKeepTheCommittedCutoverAndKeepWritesFrozenWhenTheGenerationCannotBePublished() {
        CutoverResult result = cutoverFailingAt("publish generation 2 (previous 1)");

        assertLiveWithWarningAt(result, SwitchStep.FLIP);
        assertThat(effects.calls).doesNotContain("unfreeze writes").contains("swap alias 1 -> 2", "open observation of 2");
        assertThat(effects.configGeneration).isEqualTo(FROM);
        assertThat(result.reason()).contains("writes stay frozen");
        effects.failOn("nothing");
        Reconciler.Outcome reconciled = reconcile();
        assertThat(reconciled.generation()).isEqualTo(TO);
        assertThat(effects.consistent()).isTrue();
    }

    @Test
    void shouldKeepTheNewGenerationAndUnfreezeWhenTheAliasSwapFailsAfterTheCommit() {
        CutoverResult result = cutoverFailingAt("swap alias 1 -> 2");

        assertLiveWithWarningAt(result, SwitchStep.ALIAS);
        assertThat(effects.calls).containsSubsequence("publish generation 2 (previous 1)", "swap alias 1 -> 2",
                "swap alias 1 -> 2", "swap alias 1 -> 2", "open observation of 2", "unfreeze writes");
        assertThat(effects.configGeneration).isEqualTo(TO);
        assertThat(effects.frozen).isFalse();
    }

    @Test
    void shouldReportWarningsAndUnfreezeWhenOpeningTheObservationWindowFails() {
        CutoverResult result = cutoverFailingAt("open observation of 2");

        assertLiveWithWarningAt(result, SwitchStep.RELEASE);
        assertThat(effects.calls).endsWith("open observation of 2", "unfreeze writes", "write manifest");
        assertThat(effects.consistent()).isTrue();
    }

    @Test
    void shouldRetryTheUnfreezeAndWriteEachNoteOnce() {
        CutoverResult result = cutoverFailingAt("unfreeze writes", 2);

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.COMPLETED);
        assertThat(effects.calls).isEqualTo(withRepeated("unfreeze writes", 3));
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "drained", "unique-indexes", "commit",
                "flip", "observation-started", "done");
        assertThat(effects.frozen).isFalse();
    }

    @Test
    void shouldReportWarningsAndWriteEachNoteOnceWhenTheUnfreezeKeepsFailing() {
        CutoverResult result = cutoverFailingAt("unfreeze writes");

        assertLiveWithWarningAt(result, SwitchStep.UNFREEZE);
        assertThat(effects.calls).isEqualTo(withRepeated("unfreeze writes", 3));
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "drained", "unique-indexes", "commit",
                "flip", "observation-started", "warning");
    }

    @Test
    void shouldCompleteTheCutoverAndWarnThatThereIsNoManifestWhenTheFenceSnapshotFails() {
        CutoverResult result = cutoverFailingAt("hold fence snapshot");

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.COMPLETED_WITH_WARNINGS);
        assertThat(result.failedStep()).isEqualTo(SwitchStep.MANIFEST);
        assertThat(result.reason()).isEqualTo("manifest: IllegalStateException: no integrity manifest: the fence snapshot"
                + " failed: IllegalStateException: hold fence snapshot failed");
        assertThat(live).containsExactly("1 -> 2");
        assertThat(effects.calls).doesNotContain("write manifest").endsWith("unfreeze writes");
        assertThat(effects.consistent()).isTrue();
    }

    @Test
    void shouldWriteTheManifestOnlyAfterWritesAreUnfrozenAndWarnWhenItFails() {
        CutoverResult result = cutoverFailingAt("write manifest");

        assertLiveWithWarningAt(result, SwitchStep.MANIFEST);
        assertThat(effects.calls).containsSubsequence("drain to " + Long.toHexString(RecordingSwitchEffects.FENCE),
                "hold fence snapshot", "commit source", "unfreeze writes", "write manifest");
        assertThat(effects.consistent()).isTrue();
    }

    private Reconciler.Outcome reconcile() {
        try {
            return new Reconciler(effects, Retry.ONCE).reconcile(FROM, TO, effects.configGeneration);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private CutoverResult cutoverFailingAt(String call, int times) {
        effects.failOn(call, times);
        return cutover();
    }
}
