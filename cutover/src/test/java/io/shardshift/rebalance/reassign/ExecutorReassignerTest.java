package io.shardshift.rebalance.reassign;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardshift.cutover.PartitionReassigner;
import io.shardshift.rebalance.reassign.ReassignmentStatus.State;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ExecutorReassignerTest {
    private static final BrokerCounts SKEWED = new BrokerCounts(new TreeMap<>(Map.of(1, 4, 2, 1, 3, 1)),
            new TreeMap<>(Map.of(1, 6, 2, 6, 3, 6)));
    private static final BrokerCounts EVEN = new BrokerCounts(new TreeMap<>(Map.of(1, 2, 2, 2, 3, 2)),
            new TreeMap<>(Map.of(1, 6, 2, 6, 3, 6)));

    @Test
    void shouldReportProgressAndTheCountsBeforeWhileMoving() {
        PartitionReassigner.Report r = ExecutorReassigner.reportOf(new ReassignmentStatus(State.ELECTING_LEADERS,
                "events", 1, 2, 0, 0, SKEWED, null, null, 300), 2048);

        assertThat(r.state()).isEqualTo("electing-leaders");
        assertThat(r.finished()).isFalse();
        assertThat(r.details()).containsEntry("partitionsDone", 1).containsEntry("partitionsTotal", 2)
                .containsEntry("throttleBytesPerSecond", 2048L).containsEntry("after", null);
        assertThat(asMap(r.details().get("before"))).containsEntry("withinOneOfEven", false)
                .containsEntry("leaders", SKEWED.leaders());
    }

    @Test
    void shouldReportDoneWithTheCountsAfterAndWhetherTheyAreEven() {
        PartitionReassigner.Report r = ExecutorReassigner.reportOf(new ReassignmentStatus(State.DONE, "events", 2, 2,
                0, 0, SKEWED, EVEN, null, 600), 2048);

        assertThat(r.state()).isEqualTo("done");
        assertThat(r.finished()).isTrue();
        assertThat(asMap(r.details().get("after"))).containsEntry("withinOneOfEven", true)
                .containsEntry("replicas", EVEN.replicas());
    }

    @Test
    void shouldReportAFailureAsFinishedWithItsReason() {
        PartitionReassigner.Report r = ExecutorReassigner.reportOf(new ReassignmentStatus(State.FAILED, "events", 0, 2,
                0, 0, SKEWED, null, "timed out; throttle removed", 600), 2048);

        assertThat(r.finished()).isTrue();
        assertThat(r.details()).containsEntry("error", "timed out; throttle removed");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }
}
