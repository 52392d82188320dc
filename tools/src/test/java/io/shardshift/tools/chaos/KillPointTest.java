package io.shardshift.tools.chaos;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KillPointTest {

    @Test
    void shouldCoverEveryPointOncePerRoundInASeededOrder() {
        List<KillPoint> plan = KillPoint.plan(20, new Random(7));

        assertThat(plan).hasSize(20);
        assertThat(new HashSet<>(plan.subList(0, KillPoint.ALL.size()))).containsExactlyInAnyOrderElementsOf(KillPoint.ALL);
        assertThat(KillPoint.plan(20, new Random(7))).isEqualTo(plan);
        assertThat(KillPoint.plan(20, new Random(8))).isNotEqualTo(plan);
    }

    @Test
    void shouldNameTheStepHookOnlyForSteps() {
        assertThat(new KillPoint("cutover", "fence").hook()).isEqualTo("cutover:fence");
        assertThat(new KillPoint("rollback", "copy-back").hook()).isEqualTo("rollback:copy-back");
        assertThat(new KillPoint("streaming", null).hook()).isNull();
        assertThat(new KillPoint("rollback", "alias")).hasToString("after rollback:alias (before unfreeze)");
    }

    @Test
    void shouldFindScenariosByNameAndListTheKnownOnesOtherwise() {
        assertThat(Scenario.named("network-stall")).isEqualTo(Scenario.NETWORK_STALL);
        assertThatThrownBy(() -> Scenario.named("meteor")).hasMessageContaining("kill").hasMessageContaining("hung-host");
    }

    @Test
    void shouldSumRunsPerScenarioAndShowTheWorstRecoveryAndPause() {
        List<RunOutcome> runs = List.of(
                new RunOutcome("kill", 1, "kill -9 during backfill", 1, 100, 0, 0, 0, 4_000, 900, List.of()),
                new RunOutcome("kill", 2, "kill -9 after cutover:fence", 1, 50, 1, 0, 2, 7_500, 1_200, List.of("x")));

        String table = OutcomeTable.render(runs);

        assertThat(table).contains("| kill | 2 | 1 | 2 | 150 | 1 | 0 | 2 | 7.5 s | 1.2 s | n/a |");
    }

    @Test
    void shouldShowTheRowsARestoreLostAsTheRpo() {
        List<RunOutcome> runs = List.of(new RunOutcome("target-restore", 1, "pg_a restored", 1, 100, 0, 0, 0, 2_500,
                300, List.of(), 412));

        String table = OutcomeTable.render(runs);

        assertThat(table).contains("| target-restore | 1 | 1 | 1 | 100 | 0 | 0 | 0 | 2.5 s | 0.3 s | 412 (max) |");
        assertThat(Scenario.named("target-restore")).isEqualTo(Scenario.TARGET_RESTORE);
    }
}
