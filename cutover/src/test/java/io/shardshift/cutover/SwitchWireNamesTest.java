package io.shardshift.cutover;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.rebalance.RebalancePhase;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The typed kinds, steps and phases keep the lower-case names the API, audit trail and CLI always showed. */
class SwitchWireNamesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldWriteKindAndFailedStepOfAResultAsTheirWireNames() throws Exception {
        CutoverResult result = LayoutSwitch.aborted("rollback-1", SwitchKind.ROLLBACK, 2, 1, 0, 5, SwitchStep.COPY_BACK,
                "timeout", List.of());

        assertThat(JSON.writeValueAsString(result)).isEqualTo("{\"id\":\"rollback-1\",\"kind\":\"rollback\","
                + "\"outcome\":\"ABORTED\",\"fromGeneration\":2,\"toGeneration\":1,\"fenceLsn\":0,\"pauseMillis\":5,"
                + "\"failedStep\":\"copy-back\",\"reason\":\"timeout\",\"gates\":[]}");
        assertThat(result.kind() + " aborted at step " + result.failedStep()).isEqualTo("rollback aborted at step copy-back");
    }

    @Test
    void shouldNameEveryStepAsBefore() {
        assertThat(Arrays.stream(SwitchStep.values()).map(SwitchStep::wireName)).containsExactly("precheck", "gates",
                "prepare", "freeze", "fence", "drain", "unique-indexes", "snapshot", "reverse-log", "copy-back", "commit", "flip", "alias",
                "release", "unfreeze", "manifest");
        assertThat(Arrays.stream(SwitchKind.values()).map(SwitchKind::toString)).containsExactly("cutover", "rollback");
    }

    @Test
    void shouldNameRebalancePhasesAsBeforeAndDeriveThemFromTheSwitchKind() throws Exception {
        assertThat(Arrays.stream(RebalancePhase.values()).map(RebalancePhase::wireName)).containsExactly("starting",
                "backfill", "streaming", "expanded", "cut-over", "rolled-back", "failed");
        assertThat(JSON.writeValueAsString(RebalancePhase.after(SwitchKind.CUTOVER))).isEqualTo("\"cut-over\"");
        assertThat(RebalancePhase.after(SwitchKind.ROLLBACK)).isEqualTo(RebalancePhase.ROLLED_BACK);
    }
}
