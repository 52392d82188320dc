package io.shardshift.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardshift.cutover.PartitionReassigner;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamReassignFieldsTest {

    @Test
    void shouldNameTheThrottleBelowTheMinimumAndAThrottleWithoutReassignmentTogether() {
        assertThat(StreamReassignment.problems(false, 10L)).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("'throttle_bytes_per_second'", "at least 1024", "10"))
                .anySatisfy(p -> assertThat(p).contains("'throttle_bytes_per_second'", "'reassign' is false"));
    }

    @Test
    void shouldAcceptDefaultsAndAThrottleWithAReassignment() {
        assertThat(StreamReassignment.problems(null, null)).isEmpty();
        assertThat(StreamReassignment.problems(true, 1024L)).isEmpty();
        assertThat(StreamReassignment.problems(null, 5_000_000L)).isEmpty();
    }

    @Test
    void shouldPassTheBalancedGateOnlyWhenDoneAndEven() {
        assertThat(StreamStatus.balancedGate(report("done", true))).containsEntry("passed", true);
        assertThat(StreamStatus.balancedGate(report("done", false))).containsEntry("passed", false);
        assertThat(StreamStatus.balancedGate(report("failed", true))).containsEntry("passed", false);
        Map<String, Object> moving = new HashMap<>();
        moving.put("after", null);
        assertThat(StreamStatus.balancedGate(new PartitionReassigner.Report("moving", false, moving)))
                .containsEntry("passed", false).extractingByKey("detail").asString().contains("moving");
    }

    private static PartitionReassigner.Report report(String state, boolean even) {
        return new PartitionReassigner.Report(state, true, Map.of("after", Map.of("withinOneOfEven", even,
                "leaders", Map.of(1, 2, 2, 2, 3, 2), "replicas", Map.of(1, 6, 2, 6, 3, 6))));
    }
}
