package io.shardshift.rebalance.reassign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.rebalance.reassign.ReassignmentStatus.State;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReassignmentStatusTest {

    @Test
    void shouldSerializeForTheStatusRouteWithCountsPerBroker() throws Exception {
        ReassignmentPlan plan = new ReassignmentPlanner(List.of(1, 2, 3))
                .plan("orders", Map.of(0, List.of(1, 2), 1, List.of(1, 2), 2, List.of(1, 2)), Map.of());
        ReassignmentStatus status = new ReassignmentStatus(State.MOVING, "orders", 1, plan.changed().size(),
                plan.replicaMoves(), 0, plan.before(), null, null, 1234);

        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(status));

        assertThat(json.get("state").asText()).isEqualTo("MOVING");
        assertThat(json.get("partitionsDone").asInt()).isEqualTo(1);
        assertThat(json.get("before").get("leaders").get("1").asInt()).isEqualTo(3);
        assertThat(json.get("before").get("replicas").get("3").asInt()).isZero();
        assertThat(json.get("after").isNull()).isTrue();
    }

    @Test
    void shouldCallOnlyDoneFailedAndCancelledFinal() {
        assertThat(State.values()).filteredOn(State::isFinal)
                .containsExactlyInAnyOrder(State.DONE, State.FAILED, State.CANCELLED);
    }
}
