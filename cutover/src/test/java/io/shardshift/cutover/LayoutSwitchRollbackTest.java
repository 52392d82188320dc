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

    /** Every call of a completed rollback, in order. */
    private static final List<String> ROLLBACK = List.of(
            "open source",
            "freeze writes",
            "lock source",
            "read fence",
            "allow writes on source",
            "copy back",
            "publish generation 1 (previous 2)",
            "swap alias 2 -> 1",
            "release with 1 live",
            "close observation",
            "unfreeze writes");

    /** What an abort before the flip undoes, in order. */
    private static final List<String> UNDO = List.of(
            "release target locks (abort)",
            "roll back source",
            "unfreeze writes (abort)");

    /** What an abort after the flip undoes, in order: the generation goes back before the unfreeze. */
    private static final List<String> UNDO_FLIPPED = List.of(
            "release target locks (abort)",
            "roll back source",
            "publish generation 2 (previous 1) (abort)",
            "unfreeze writes (abort)");

    private final RecordingSwitchEffects effects = new RecordingSwitchEffects();
    private final List<String> live = new ArrayList<>();
    private final LayoutSwitch layoutSwitch = new LayoutSwitch(List.of(new TableId("public", "orders")),
            Duration.ofMinutes(30), () -> effects);

    private CutoverResult rollback() {
        return layoutSwitch.rollback("rollback-1", FROM, TO, PREVIOUS, (from, to) -> live.add(from + " -> " + to));
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
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "copied-back", "flip", "done");
        assertThat(effects.audits.get(2).details()).containsEntry("writes", RecordingSwitchEffects.COPIED);
        assertThat(live).containsExactly("2 -> 1");
    }

    @Test
    void shouldCloseSourceAndUnfreezeWhenOpeningTheSourceFails() {
        CutoverResult result = rollbackFailingAt("open source");

        assertAbortedAt(result, SwitchStep.PREPARE, "open source");
        assertThat(effects.calls).isEqualTo(upTo("open source", UNDO));
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
    void shouldPublishTheGenerationBackWhenTheFlipFails() {
        CutoverResult result = rollbackFailingAt("publish generation 1 (previous 2)");

        assertAbortedAt(result, SwitchStep.FLIP, "publish generation 1 (previous 2)");
        assertThat(effects.calls).isEqualTo(upTo("publish generation 1 (previous 2)", UNDO_FLIPPED));
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "copied-back", "abort");
        assertThat(live).isEmpty();
    }

    @Test
    void shouldPublishTheGenerationBackAndNotSwapTheAliasAgainWhenTheAliasSwapFails() {
        CutoverResult result = rollbackFailingAt("swap alias 2 -> 1");

        assertAbortedAt(result, SwitchStep.ALIAS, "swap alias 2 -> 1");
        assertThat(effects.calls).isEqualTo(upTo("swap alias 2 -> 1", UNDO_FLIPPED));
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "copied-back", "abort");
        assertThat(live).isEmpty();
    }

    @Test
    void shouldPublishTheGenerationBackAndKeepTheObservationWindowWhenTheReleaseFails() {
        CutoverResult result = rollbackFailingAt("release with 1 live");

        assertAbortedAt(result, SwitchStep.RELEASE, "release with 1 live");
        assertThat(effects.calls).isEqualTo(upTo("release with 1 live", UNDO_FLIPPED)).doesNotContain("close observation");
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "copied-back", "abort");
        assertThat(live).isEmpty();
    }

    @Test
    void shouldKeepTheOldGenerationLiveAndUndoNothingWhenTheUnfreezeFails() {
        CutoverResult result = rollbackFailingAt("unfreeze writes");

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.ABORTED);
        assertThat(result.failedStep()).isEqualTo(SwitchStep.UNFREEZE);
        assertThat(result.reason()).isEqualTo("IllegalStateException: unfreeze writes failed");
        assertThat(effects.calls).isEqualTo(ROLLBACK);
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "copied-back", "flip");
        assertThat(live).containsExactly("2 -> 1");
    }
}
