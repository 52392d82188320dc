package io.shardshift.cutover;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Reconciler} on states no crash of a switch leaves, and on the stale freeze of a dead migrator. */
class ReconcilerTest {
    private final RecordingSwitchEffects state = new RecordingSwitchEffects(1);

    private Reconciler.Outcome reconcile() throws Exception {
        return new Reconciler(state, Retry.ONCE).reconcile(1, 2, state.configGeneration);
    }

    @Test
    void shouldClearAStaleFreezeWithAnAuditEntryWhenNoSwitchRuns() throws Exception {
        state.frozen = true;

        Reconciler.Outcome outcome = reconcile();

        assertThat(outcome.generation()).isEqualTo(1);
        assertThat(state.frozen).isFalse();
        assertThat(state.auditEntries()).containsExactly("reconcile", "reconciled", "reconciled");
        assertThat(outcome.actions()).contains("writes unfrozen");
    }

    @Test
    void shouldNeverMoveApplicationsBackWhenTheSourceAcceptsWritesWithoutAnInterruptedSwitch() throws Exception {
        state.configGeneration = 2;
        state.aliasGeneration = 2;

        Reconciler.Outcome outcome = reconcile();

        assertThat(outcome.generation()).isEqualTo(2);
        assertThat(state.configGeneration).isEqualTo(2);
        assertThat(state.calls).containsExactly("read source");
        assertThat(state.auditEntries()).containsExactly("warning");
    }

    @Test
    void shouldReleaseTheTargetsOfARollbackTheSourceCommittedBeforeMovingTheConfigTopicOrUnfreezing() throws Exception {
        state.configGeneration = 2;
        state.aliasGeneration = 2;
        state.frozen = true;
        state.releasePending = RecordingSwitchEffects.FENCE;
        state.targetsLogging = true;
        state.uniqueEnforced = true;

        Reconciler.Outcome outcome = reconcile();

        assertThat(outcome.generation()).isEqualTo(1);
        assertThat(state.calls).containsSubsequence("release targets with 1 live", "relax unique indexes",
                "publish generation 1 (previous 2)", "swap alias 2 -> 1", "unfreeze writes");
        assertThat(state.releasePending).isNull();
        assertThat(state.targetsLogging).isFalse();
        assertThat(state.uniqueEnforced).isFalse();
        assertThat(state.consistent()).isTrue();
        assertThat(outcome.actions()).startsWith("targets released after the rollback to generation 1",
                "unique indexes non-unique again");
    }

    @Test
    void shouldRemoveTheReverseLogOfACutoverThatNeverCommittedEvenWithWritesNotFrozen() throws Exception {
        state.targetsLogging = true;

        Reconciler.Outcome outcome = reconcile();

        assertThat(outcome.generation()).isEqualTo(1);
        assertThat(state.calls).contains("stop reverse log").doesNotContain("release targets with 1 live");
        assertThat(state.targetsLogging).isFalse();
        assertThat(state.auditEntries()).startsWith("reconcile", "reconciled");
    }

    @Test
    void shouldLeaveTheTargetsAloneWhileTheNewGenerationIsLive() throws Exception {
        RecordingSwitchEffects live = new RecordingSwitchEffects(2);

        Reconciler.Outcome outcome = new Reconciler(live, Retry.ONCE).reconcile(1, 2, 2);

        assertThat(outcome.actions()).isEmpty();
        assertThat(live.targetsLogging).isTrue();
        assertThat(live.uniqueEnforced).isTrue();
    }

    @Test
    void shouldDoNothingWhenEverythingAgrees() throws Exception {
        assertThat(reconcile().actions()).isEmpty();
        assertThat(state.audits).isEmpty();
    }
}
