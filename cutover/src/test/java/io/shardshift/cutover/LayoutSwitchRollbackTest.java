package io.shardshift.cutover;

import io.shardshift.core.event.TableId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rollback sequence of {@link LayoutSwitch} with recorded side effects: every step in order, and for a failure
 * at each step what is undone and that no later step runs. A rollback never touches the reverse log.
 */
class LayoutSwitchRollbackTest {
    private static final long FROM = 2;
    private static final long TO = 1;
    private static final long PREVIOUS = 1;

    /** Every call of a completed rollback, in order: the source commits before the targets, the topic and alias. */
    static final List<String> ROLLBACK = List.of(
            "open source",
            "freeze writes",
            "lock source",
            "read fence",
            "allow writes on source",
            "copy back",
            "commit source",
            "release targets with 1 live",
            "close observation",
            "publish generation 1 (previous 2)",
            "swap alias 2 -> 1",
            "relax unique indexes",
            "unfreeze writes");

    /** What an abort after the freeze undoes, in order. */
    private static final List<String> UNDO = List.of(
            "release target locks (abort)",
            "roll back source",
            "unfreeze writes (abort)");

    private final RecordingSwitchEffects effects = new RecordingSwitchEffects(FROM);
    private final List<String> live = new ArrayList<>();
    private final LayoutSwitch layoutSwitch = new LayoutSwitch(List.of(new TableId("public", "orders")),
            Duration.ofMinutes(30), () -> effects, new Retry(3, Duration.ZERO, Duration.ZERO));

    private CutoverResult rollback() {
        return layoutSwitch.rollback("rollback-1", FROM, TO, (from, to) -> live.add(from + " -> " + to));
    }

    private CutoverResult rollbackFailingAt(String call) {
        effects.failOn(call);
        return rollback();
    }

    /** The calls of a rollback up to and including {@code call}, then {@code undo}. */
    private static List<String> upTo(String call, List<String> undo) {
        List<String> calls = new ArrayList<>(ROLLBACK.subList(0, ROLLBACK.indexOf(call) + 1));
        calls.addAll(undo);
        return calls;
    }

    private void assertAbortedAt(CutoverResult result, SwitchStep step, String failedCall) {
        String reason = "IllegalStateException: " + failedCall + " failed";
        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.ABORTED);
        assertThat(result.kind()).isEqualTo(SwitchKind.ROLLBACK);
        assertThat(result.failedStep()).isEqualTo(step);
        assertThat(result.reason()).isEqualTo(reason);
        assertThat(result.fromGeneration()).isEqualTo(FROM);
        assertThat(result.toGeneration()).isEqualTo(TO);
        RecordingSwitchEffects.Audited abort = effects.audits.get(effects.audits.size() - 1);
        assertThat(abort.entry()).isEqualTo("abort");
        assertThat(abort.details()).containsEntry("id", "rollback-1").containsEntry("step", step.wireName())
                .containsEntry("reason", reason).containsEntry("generation", FROM);
    }

    @Test
    void shouldRunEveryStepInOrderAndAuditThePauseWhenNothingFails() {
        CutoverResult result = rollback();

        assertThat(result.completed()).isTrue();
        assertThat(result.kind()).isEqualTo(SwitchKind.ROLLBACK);
        assertThat(result.failedStep()).isNull();
        assertThat(effects.calls).isEqualTo(ROLLBACK);
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "copied-back", "commit", "flip",
                "unique-indexes", "done");
        assertThat(effects.consistent()).isTrue();
        assertThat(effects.sourceGeneration).isEqualTo(TO);
        assertThat(effects.audits.get(2).details()).containsEntry("writes", RecordingSwitchEffects.COPIED);
        assertThat(live).containsExactly("2 -> 1");
    }

    @Test
    void shouldCloseSourceAndNeverPublishTheFreezeWhenOpeningTheSourceFails() {
        CutoverResult result = rollbackFailingAt("open source");

        assertAbortedAt(result, SwitchStep.PREPARE, "open source");
        assertThat(effects.calls).isEqualTo(upTo("open source", UNDO.subList(0, 2)));
        assertThat(effects.auditEntries()).containsExactly("abort");
        assertThat(live).isEmpty();
    }

    @Test
    void shouldUnfreezeAndRollBackTheLockWhenLockingTheSourceFails() {
        CutoverResult result = rollbackFailingAt("lock source");

        assertAbortedAt(result, SwitchStep.FREEZE, "lock source");
        assertThat(effects.calls).isEqualTo(upTo("lock source", UNDO));
        assertThat(effects.auditEntries()).containsExactly("abort");
        assertThat(live).isEmpty();
    }

    @Test
    void shouldReleaseFreezeWithNoFenceWhenReadingTheFenceFails() {
        CutoverResult result = rollbackFailingAt("read fence");

        assertAbortedAt(result, SwitchStep.FENCE, "read fence");
        assertThat(effects.calls).isEqualTo(upTo("read fence", UNDO)).doesNotContain("allow writes on source");
        assertThat(effects.auditEntries()).containsExactly("freeze", "abort");
        assertThat(result.fenceLsn()).isZero();
        assertThat(live).isEmpty();
    }

    @Test
    void shouldRollBackAndReleaseFreezeWhenAllowingSourceWritesFails() {
        CutoverResult result = rollbackFailingAt("allow writes on source");

        assertAbortedAt(result, SwitchStep.FENCE, "allow writes on source");
        assertThat(effects.calls).isEqualTo(upTo("allow writes on source", UNDO));
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "abort");
        assertThat(result.fenceLsn()).isEqualTo(RecordingSwitchEffects.FENCE);
        assertThat(live).isEmpty();
    }

    @Test
    void shouldReleaseTargetLocksAndFreezeAndKeepGenerationWhenCopyBackFails() {
        CutoverResult result = rollbackFailingAt("copy back");

        assertAbortedAt(result, SwitchStep.COPY_BACK, "copy back");
        assertThat(effects.calls).isEqualTo(upTo("copy back", UNDO));
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "abort");
        assertThat(live).isEmpty();
    }

    @Test
    void shouldAbortAndKeepTheObservationWindowWhenTheSourceCommitFails() {
        CutoverResult result = rollbackFailingAt("commit source");

        assertAbortedAt(result, SwitchStep.COMMIT, "commit source");
        assertThat(effects.calls).isEqualTo(upTo("commit source", UNDO)).doesNotContain("close observation");
        assertThat(live).isEmpty();
        assertThat(effects.consistent()).isTrue();
    }

    @Test
    void shouldRetryTheReleaseOfTheTargetsAfterTheCommit() {
        effects.failOn("release targets with 1 live", 2);

        CutoverResult result = rollback();

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.COMPLETED);
        assertThat(effects.calls).containsSubsequence("commit source", "release targets with 1 live",
                "release targets with 1 live", "release targets with 1 live", "close observation");
        assertThat(effects.releasePending).isNull();
        assertThat(effects.targetsLogging).isFalse();
    }

    @Test
    void shouldNeverRollTheTargetsBackAfterTheirReleaseFailedPastTheCommit() {
        CutoverResult result = rollbackFailingAt("release targets with 1 live");

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.COMPLETED_WITH_WARNINGS);
        assertThat(result.failedStep()).isEqualTo(SwitchStep.RELEASE);
        assertThat(effects.releasePending).as("left on the source for the reconcile").isEqualTo(RecordingSwitchEffects.FENCE);
        assertThat(effects.calls).doesNotContain("release target locks (abort)", "roll back source")
                .containsSubsequence("release targets with 1 live", "release targets with 1 live",
                        "release targets with 1 live", "close observation");
        assertThat(live).containsExactly("2 -> 1");
        assertThat(effects.consistent()).isTrue();
        assertThat(effects.auditEntries()).contains("warning").doesNotContain("abort");
    }

    @Test
    void shouldSwapTheAliasBackWithTheGenerationAndReportWarningsWhenTheAliasSwapKeepsFailing() {
        CutoverResult result = rollbackFailingAt("swap alias 2 -> 1");

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.COMPLETED_WITH_WARNINGS);
        assertThat(result.completed()).isTrue();
        assertThat(result.failedStep()).isEqualTo(SwitchStep.ALIAS);
        assertThat(effects.calls).doesNotContain("publish generation 2 (previous 1) (abort)").endsWith("swap alias 2 -> 1",
                "swap alias 2 -> 1", "swap alias 2 -> 1", "relax unique indexes", "unfreeze writes");
        assertThat(effects.configGeneration).isEqualTo(TO);
        assertThat(effects.frozen).isFalse();
    }

    @Test
    void shouldReportTheRollbackCompletedWithWarningsWhenTheUnfreezeKeepsFailing() {
        CutoverResult result = rollbackFailingAt("unfreeze writes");

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.COMPLETED_WITH_WARNINGS);
        assertThat(result.completed()).as("the rollback took effect: no resumeAfterAbort").isTrue();
        assertThat(result.failedStep()).isEqualTo(SwitchStep.UNFREEZE);
        assertThat(result.reason()).isEqualTo("unfreeze: IllegalStateException: unfreeze writes failed");
        assertThat(effects.calls).endsWith("unfreeze writes", "unfreeze writes", "unfreeze writes");
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "copied-back", "commit", "flip",
                "unique-indexes", "warning");
        assertThat(live).containsExactly("2 -> 1");
    }
}
