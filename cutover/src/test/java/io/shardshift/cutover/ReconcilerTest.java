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
    void shouldDoNothingWhenEverythingAgrees() throws Exception {
        assertThat(reconcile().actions()).isEmpty();
        assertThat(state.audits).isEmpty();
    }
}
