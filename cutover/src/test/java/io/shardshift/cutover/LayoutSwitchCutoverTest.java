package io.shardshift.cutover;

import io.shardshift.core.event.TableId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cutover sequence of {@link LayoutSwitch} with recorded side effects: every step in order, and for a failure
 * at each step what is undone and that no later step runs.
 */
class LayoutSwitchCutoverTest {
    private static final long FROM = 1;
    private static final long TO = 2;
    private static final long PREVIOUS = 0;

    /** Every call of a completed cutover, in order. */
    private static final List<String> CUTOVER = List.of(
            "open source",
            "start reverse log",
            "freeze writes",
            "lock source",
            "read fence",
            "drain to " + Long.toHexString(RecordingSwitchEffects.FENCE),
            "reject writes on source for 2",
            "publish generation 2 (previous 1)",
            "swap alias 1 -> 2",
            "release with 2 live",
            "open observation of 2",
            "unfreeze writes");

    /** What an abort before the flip undoes, in order. */
    private static final List<String> UNDO = List.of(
            "release target locks (abort)",
            "roll back source",
            "stop reverse log",
            "unfreeze writes (abort)");

    /** What an abort after the flip undoes, in order: the generation goes back before the unfreeze. */
    private static final List<String> UNDO_FLIPPED = List.of(
            "release target locks (abort)",
            "roll back source",
            "stop reverse log",
            "publish generation 1 (previous 0) (abort)",
            "unfreeze writes (abort)");

    private final RecordingSwitchEffects effects = new RecordingSwitchEffects();
    private final List<String> live = new ArrayList<>();
    private final LayoutSwitch layoutSwitch = new LayoutSwitch(List.of(new TableId("public", "orders")),
            Duration.ofMinutes(30), () -> effects);

    private CutoverResult cutover() {
        return layoutSwitch.cutover("cutover-1", FROM, TO, PREVIOUS, List.of(),
                (from, to) -> live.add(from + " -> " + to));
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
    }

    @Test
    void shouldRunEveryStepInOrderAndAuditThePauseWhenNothingFails() {
        CutoverResult result = cutover();

        assertThat(result.completed()).isTrue();
        assertThat(result.kind()).isEqualTo(SwitchKind.CUTOVER);
        assertThat(result.failedStep()).isNull();
        assertThat(result.fenceLsn()).isEqualTo(RecordingSwitchEffects.FENCE);
        assertThat(effects.calls).isEqualTo(CUTOVER);
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "drained", "flip", "observation-started", "done");
        assertThat(effects.audits.get(1).details()).containsEntry("lsn", "1/2000");
        assertThat(live).containsExactly("1 -> 2");
    }

    @Test
    void shouldCloseSourceStopReverseLogAndUnfreezeWhenOpeningTheSourceFails() {
        CutoverResult result = cutoverFailingAt("open source");

        assertAbortedAt(result, SwitchStep.PREPARE, "open source");
        assertThat(effects.calls).isEqualTo(upTo("open source", UNDO));
        assertThat(effects.auditEntries()).containsExactly("abort");
        assertThat(result.fenceLsn()).isZero();
        assertThat(live).isEmpty();
    }

    @Test
    void shouldStopReverseLogAndNeverFreezeWhenStartingTheReverseLogFails() {
        CutoverResult result = cutoverFailingAt("start reverse log");

        assertAbortedAt(result, SwitchStep.PREPARE, "start reverse log");
        assertThat(effects.calls).isEqualTo(upTo("start reverse log", UNDO)).doesNotContain("freeze writes");
        assertThat(effects.auditEntries()).containsExactly("abort");
        assertThat(live).isEmpty();
    }

    @Test
    void shouldUnfreezeAndRollBackTheLockWhenLockingTheSourceFails() {
        CutoverResult result = cutoverFailingAt("lock source");

        assertAbortedAt(result, SwitchStep.FREEZE, "lock source");
        assertThat(effects.calls).isEqualTo(upTo("lock source", UNDO));
        assertThat(effects.auditEntries()).containsExactly("abort");
        assertThat(live).isEmpty();
    }

    @Test
    void shouldReleaseFreezeWithNoFenceWhenReadingTheFenceFails() {
        CutoverResult result = cutoverFailingAt("read fence");

        assertAbortedAt(result, SwitchStep.FENCE, "read fence");
        assertThat(effects.calls).isEqualTo(upTo("read fence", UNDO));
        assertThat(effects.auditEntries()).containsExactly("freeze", "abort");
        assertThat(result.fenceLsn()).isZero();
        assertThat(live).isEmpty();
    }

    @Test
    void shouldReleaseFreezeAndKeepGenerationWhenDrainFails() {
        String drain = "drain to " + Long.toHexString(RecordingSwitchEffects.FENCE);
        CutoverResult result = cutoverFailingAt(drain);

        assertAbortedAt(result, SwitchStep.DRAIN, drain);
        assertThat(effects.calls).isEqualTo(upTo(drain, UNDO));
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "abort");
        assertThat(result.fenceLsn()).isEqualTo(RecordingSwitchEffects.FENCE);
        assertThat(live).isEmpty();
    }

    @Test
    void shouldRollBackTheRejectTriggerAndKeepGenerationWhenRecordingTheReverseLogFails() {
        CutoverResult result = cutoverFailingAt("reject writes on source for 2");

        assertAbortedAt(result, SwitchStep.REVERSE_LOG, "reject writes on source for 2");
        assertThat(effects.calls).isEqualTo(upTo("reject writes on source for 2", UNDO));
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "drained", "abort");
        assertThat(live).isEmpty();
    }

    @Test
    void shouldPublishTheGenerationBackWhenTheFlipFails() {
        CutoverResult result = cutoverFailingAt("publish generation 2 (previous 1)");

        assertAbortedAt(result, SwitchStep.FLIP, "publish generation 2 (previous 1)");
        assertThat(effects.calls).isEqualTo(upTo("publish generation 2 (previous 1)", UNDO_FLIPPED));
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "drained", "abort");
        assertThat(live).isEmpty();
    }

    @Test
    void shouldPublishTheGenerationBackAndNotSwapTheAliasAgainWhenTheAliasSwapFails() {
        CutoverResult result = cutoverFailingAt("swap alias 1 -> 2");

        assertAbortedAt(result, SwitchStep.ALIAS, "swap alias 1 -> 2");
        assertThat(effects.calls).isEqualTo(upTo("swap alias 1 -> 2", UNDO_FLIPPED));
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "drained", "abort");
        assertThat(live).isEmpty();
    }

    @Test
    void shouldPublishTheGenerationBackAndNeverGoLiveWhenTheReleaseFails() {
        CutoverResult result = cutoverFailingAt("release with 2 live");

        assertAbortedAt(result, SwitchStep.RELEASE, "release with 2 live");
        assertThat(effects.calls).isEqualTo(upTo("release with 2 live", UNDO_FLIPPED))
                .doesNotContain("open observation of 2");
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "drained", "abort");
        assertThat(live).isEmpty();
    }

    @Test
    void shouldKeepTheNewGenerationLiveAndUndoNothingWhenTheUnfreezeFails() {
        CutoverResult result = cutoverFailingAt("unfreeze writes");

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.ABORTED);
        assertThat(result.failedStep()).isEqualTo(SwitchStep.UNFREEZE);
        assertThat(result.reason()).isEqualTo("IllegalStateException: unfreeze writes failed");
        assertThat(effects.calls).isEqualTo(CUTOVER);
        assertThat(effects.auditEntries()).containsExactly("freeze", "fence", "drained", "flip", "observation-started");
        assertThat(live).containsExactly("1 -> 2");
    }
}
