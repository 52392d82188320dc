package io.shardshift.rebalance.reassign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReassignmentPlannerTest {
    private static final List<Integer> THREE = List.of(1, 2, 3);

    @Test
    void shouldChangeNothingWhenAlreadyBalanced() {
        Map<Integer, List<Integer>> current = Map.of(
                0, List.of(1, 2, 3), 1, List.of(2, 3, 1), 2, List.of(3, 1, 2));

        ReassignmentPlan plan = new ReassignmentPlanner(THREE).plan("t", current, Map.of());

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.target()).isEqualTo(new TreeMap<>(current));
        assertThat(plan.replicaMoves()).isZero();
        assertThat(plan.before().withinOneOfEven()).isTrue();
    }

    @Test
    void shouldSpreadLeadersByReorderingOnlyWhenEveryBrokerHoldsEveryPartition() {
        Map<Integer, List<Integer>> current = uniform(6, List.of(1, 2, 3));

        ReassignmentPlan plan = new ReassignmentPlanner(THREE).plan("t", current, Map.of());

        assertThat(plan.before().leaders()).containsEntry(1, 6).containsEntry(2, 0).containsEntry(3, 0);
        assertThat(plan.after().leaders()).containsOnly(Map.entry(1, 2), Map.entry(2, 2), Map.entry(3, 2));
        assertThat(plan.after().replicas()).containsOnly(Map.entry(1, 6), Map.entry(2, 6), Map.entry(3, 6));
        assertThat(plan.replicaMoves()).isZero();
        assertThat(plan.leaderChanges()).isEqualTo(4);
        assertThat(plan.changed()).hasSize(4);
        plan.target().forEach((p, r) -> assertThat(r).containsExactlyInAnyOrder(1, 2, 3));
    }

    @Test
    void shouldMoveTheFewestReplicasOntoAnEmptyBroker() {
        Map<Integer, List<Integer>> current = uniform(6, List.of(1, 2));

        ReassignmentPlan plan = new ReassignmentPlanner(THREE).plan("t", current, Map.of());

        assertThat(plan.after().replicas()).containsOnly(Map.entry(1, 4), Map.entry(2, 4), Map.entry(3, 4));
        assertThat(plan.after().leaders()).containsOnly(Map.entry(1, 2), Map.entry(2, 2), Map.entry(3, 2));
        assertThat(plan.replicaMoves()).isEqualTo(4);
        assertValid(current, plan);
    }

    @Test
    void shouldBalanceATopicWhosePartitionCountWasDoubled() {
        Map<Integer, List<Integer>> current = new TreeMap<>(Map.of(
                0, List.of(1, 2, 3), 1, List.of(2, 3, 1), 2, List.of(3, 1, 2)));
        // Partitions added by an expansion, all placed on broker 1 first.
        IntStream.range(3, 6).forEach(p -> current.put(p, List.of(1, 2, 3)));

        ReassignmentPlan plan = new ReassignmentPlanner(THREE).plan("t", current, Map.of());

        assertThat(plan.before().leaders()).containsEntry(1, 4);
        assertThat(plan.after().withinOneOfEven()).isTrue();
        assertThat(plan.after().leaders().values()).containsOnly(2);
        assertValid(current, plan);
    }

    @Test
    void shouldTakeTheHottestPartitionsLeadershipOffTheHottestBrokerFirst() {
        Map<Integer, List<Integer>> current = new TreeMap<>(Map.of(
                0, List.of(1, 2, 3), 1, List.of(1, 2, 3), 2, List.of(1, 2, 3),
                3, List.of(2, 3, 1), 4, List.of(2, 3, 1), 5, List.of(3, 1, 2)));
        Map<Integer, Long> load = Map.of(0, 10L, 1, 10L, 2, 900L, 3, 5L, 4, 5L, 5, 5L);

        ReassignmentPlan plan = new ReassignmentPlanner(THREE).plan("t", current, load);

        assertThat(plan.changed()).first().isEqualTo(2);
        assertThat(plan.target().get(2).get(0)).isEqualTo(3);
        assertThat(plan.after().leaders().values()).containsOnly(2);
        assertThat(plan.bytesToMove()).isZero();
    }

    @Test
    void shouldMoveSmallPartitionsAndCountTheirBytes() {
        Map<Integer, List<Integer>> current = new TreeMap<>(Map.of(0, List.of(1), 1, List.of(1), 2, List.of(2)));
        Map<Integer, Long> bytes = Map.of(0, 1_000L, 1, 50L, 2, 70L);

        ReassignmentPlan plan = new ReassignmentPlanner(THREE).plan("t", current, bytes);

        assertThat(plan.target().get(1)).containsExactly(3);
        assertThat(plan.target().get(0)).containsExactly(1);
        assertThat(plan.bytesToMove()).isEqualTo(50L);
    }

    @Test
    void shouldNeverLowerThePartitionsRackSpread() {
        Map<Integer, String> racks = Map.of(1, "a", 2, "b", 3, "a", 4, "b");
        Map<Integer, List<Integer>> current = uniform(8, List.of(1, 2));

        ReassignmentPlan plan = new ReassignmentPlanner(List.of(1, 2, 3, 4), racks).plan("t", current, Map.of());

        plan.target().forEach((p, r) -> assertThat(r.stream().map(racks::get).collect(Collectors.toSet()))
                .as("partition %d on %s", p, r).containsExactlyInAnyOrder("a", "b"));
        assertThat(plan.after().withinOneOfEven()).isTrue();
        assertValid(current, plan);
    }

    @Test
    void shouldReportEveryInputProblemAtOnce() {
        Map<Integer, List<Integer>> current = new TreeMap<>();
        current.put(0, List.of(1, 1));
        current.put(1, List.of(1, 2, 3, 4));
        current.put(2, List.of());

        assertThatThrownBy(() -> new ReassignmentPlanner(List.of(1, 2, 3), Map.of(1, "a"))
                .plan("orders", current, Map.of(0, -5L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders")
                .hasMessageContaining("racks: brokers [2, 3] have no rack")
                .hasMessageContaining("partition 0: a broker appears twice in [1, 1]")
                .hasMessageContaining("partition 0: load must be given and at least 0, was -5")
                .hasMessageContaining("partition 1: replication factor 4 exceeds the 3 broker(s)")
                .hasMessageContaining("partition 1: replica on broker 4, which is not among the brokers [1, 2, 3]")
                .hasMessageContaining("partition 2: no replicas");
    }

    @Test
    void shouldRefuseAnEmptyTopicAndNoBrokers() {
        assertThatThrownBy(() -> new ReassignmentPlanner(List.of()).plan("t", Map.of(), Map.of()))
                .hasMessageContaining("brokers: no broker given")
                .hasMessageContaining("topic t: no partitions");
    }

    @Test
    void shouldBalanceRandomSkewedAssignmentsWithTheFewestReplicaMoves() {
        Random random = new Random(20261207);
        for (int run = 0; run < 500; run++) {
            int brokerCount = 2 + random.nextInt(6);
            List<Integer> brokers = IntStream.rangeClosed(1, brokerCount).map(b -> b * 10).boxed().toList();
            int rf = 1 + random.nextInt(Math.min(3, brokerCount));
            int partitions = 1 + random.nextInt(40);
            // Skewed: brokers drawn with weights favouring the first ones.
            Map<Integer, List<Integer>> current = new TreeMap<>();
            for (int p = 0; p < partitions; p++) {
                List<Integer> pool = new ArrayList<>(brokers);
                List<Integer> replicas = new ArrayList<>();
                while (replicas.size() < rf) {
                    int i = Math.min(random.nextInt(pool.size()), random.nextInt(pool.size()));
                    replicas.add(pool.remove(i));
                }
                current.put(p, replicas);
            }

            ReassignmentPlan plan = new ReassignmentPlanner(brokers).plan("t", current, Map.of());

            String ctx = "run " + run + " brokers " + brokers + " current " + current;
            assertThat(plan.after().withinOneOfEven()).as(ctx).isTrue();
            assertThat(plan.replicaMoves()).as(ctx).isEqualTo(fewestReplicaMoves(plan.before(), brokerCount, partitions * rf));
            assertValid(current, plan);
        }
    }

    /** max(sum of excess over ceil(avg), sum of deficit under floor(avg)): a lower bound no plan can beat. */
    private static int fewestReplicaMoves(BrokerCounts before, int brokers, int replicas) {
        int floor = replicas / brokers;
        int ceil = (replicas + brokers - 1) / brokers;
        int excess = before.replicas().values().stream().mapToInt(c -> Math.max(0, c - ceil)).sum();
        int deficit = before.replicas().values().stream().mapToInt(c -> Math.max(0, floor - c)).sum();
        return Math.max(excess, deficit);
    }

    private static void assertValid(Map<Integer, List<Integer>> current, ReassignmentPlan plan) {
        assertThat(plan.target().keySet()).isEqualTo(current.keySet());
        plan.target().forEach((p, r) -> {
            assertThat(r).as("partition %d", p).hasSize(current.get(p).size());
            assertThat(new HashSet<>(r)).as("partition %d", p).hasSize(r.size());
        });
        Set<Integer> differing = current.keySet().stream()
                .filter(p -> !current.get(p).equals(plan.target().get(p))).collect(Collectors.toSet());
        assertThat(plan.changed()).containsExactlyInAnyOrderElementsOf(differing);
        assertThat(plan.after()).isEqualTo(BrokerCounts.preferred(plan.before().replicas().keySet(), plan.target()));
    }

    private static Map<Integer, List<Integer>> uniform(int partitions, List<Integer> replicas) {
        Map<Integer, List<Integer>> m = new TreeMap<>();
        IntStream.range(0, partitions).forEach(p -> m.put(p, replicas));
        return Collections.unmodifiableMap(m);
    }
}
