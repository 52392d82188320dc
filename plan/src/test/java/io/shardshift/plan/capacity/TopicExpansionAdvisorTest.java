package io.shardshift.plan.capacity;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicExpansionAdvisorTest {
    private final TopicExpansionAdvisor advisor = TopicExpansionAdvisor.defaults();

    @Test
    void shouldKeepTheCountWhenTodaysPartitionsCarryTheLoad() {
        TopicExpansion a = advisor.advise("orders", even(6, 1_000), 0);

        assertThat(a.multiple()).isEqualTo(1);
        assertThat(a.proposedPartitions()).isEqualTo(6);
        assertThat(a.steps()).isEmpty();
        assertThat(a.hot()).isFalse();
        assertThat(a.needsAttention()).isFalse();
        assertThat(a.notes()).anyMatch(n -> n.contains("no expansion needed"));
    }

    @Test
    void shouldDoubleWhenTheTotalRateNeedsTwiceThePartitions() {
        // 4 x 4,000/s = 16,000/s: 16000/5000 = 3.2 * 1.2 = 3.84 -> 4 partitions by total, but each partition
        // at 4,000 * 1.2 = 4,800 < 5,000 fits; raise to 4 x 4,500 = 18,000 -> 4.32 -> 5 partitions -> 2x.
        TopicExpansion a = advisor.advise("orders", even(4, 4_500), 0);

        assertThat(a.estimate().units()).isEqualTo(5);
        assertThat(a.multiple()).isEqualTo(2);
        assertThat(a.proposedPartitions()).isEqualTo(8);
        assertThat(a.steps()).containsExactly(2);
        assertThat(a.hot()).isFalse();
    }

    @Test
    void shouldTripleWhenTheHottestPartitionNeedsThreeWaysToFit() {
        Map<Integer, Double> rates = new TreeMap<>(Map.of(0, 11_000.0, 1, 4_000.0, 2, 4_000.0, 3, 4_000.0));

        TopicExpansion a = advisor.advise("orders", rates, 0);

        // 11,000 * 1.2 / 5,000 = 2.64 -> 3x; the total (23,000/s -> 5.52 * ... = 6 partitions) needs only 2x.
        assertThat(a.multiple()).isEqualTo(3);
        assertThat(a.proposedPartitions()).isEqualTo(12);
        assertThat(a.hottestPartition()).isZero();
        assertThat(a.hotRatio()).isCloseTo(11_000 / 5_750.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(a.hot()).isFalse();
    }

    @Test
    void shouldFlagAHotPartitionAboveTwiceTheMean() {
        Map<Integer, Double> rates = new TreeMap<>(Map.of(0, 100.0, 1, 100.0, 2, 900.0, 3, 100.0));

        TopicExpansion a = advisor.advise("orders", rates, 0);

        assertThat(a.hot()).isTrue();
        assertThat(a.hottestPartition()).isEqualTo(2);
        assertThat(a.hotRatio()).isEqualTo(3.0);
        assertThat(a.multiple()).isEqualTo(1);
        assertThat(a.needsAttention()).isTrue();
        assertThat(a.notes()).anyMatch(n -> n.startsWith("partition 2 is hot: 3.00x the mean rate (threshold 2.00x)"));
    }

    @Test
    void shouldRoundLargeMultiplesUpToTwoAndThreeSteps() {
        assertThat(TopicExpansionAdvisor.steps(1)).isEmpty();
        assertThat(TopicExpansionAdvisor.steps(2)).containsExactly(2);
        assertThat(TopicExpansionAdvisor.steps(3)).containsExactly(3);
        assertThat(TopicExpansionAdvisor.steps(4)).containsExactly(2, 2);
        assertThat(TopicExpansionAdvisor.steps(5)).containsExactlyInAnyOrder(3, 2);
        assertThat(TopicExpansionAdvisor.steps(7)).containsExactly(2, 2, 2);
        assertThat(TopicExpansionAdvisor.steps(10)).containsExactlyInAnyOrder(3, 2, 2);

        TopicExpansion a = advisor.advise("orders", even(2, 20_000), 0);
        // 40,000/s -> 8 * 1.2 = 9.6 -> 10 partitions -> 5x -> 6x in steps 3x, 2x.
        assertThat(a.multiple()).isEqualTo(6);
        assertThat(a.proposedPartitions()).isEqualTo(12);
        assertThat(a.notes()).anyMatch(n -> n.contains("(5x rounded up to 2x/3x steps)"));
    }

    @Test
    void shouldNotFlagAnIdleTopic() {
        TopicExpansion a = advisor.advise("idle", even(3, 0), 0);

        assertThat(a.hot()).isFalse();
        assertThat(a.hotRatio()).isZero();
        assertThat(a.multiple()).isEqualTo(1);
    }

    @Test
    void shouldReportEveryBadInputAtOnce() {
        Map<Integer, Double> rates = new HashMap<>();
        rates.put(0, -1.0);
        rates.put(1, Double.NaN);

        assertThatThrownBy(() -> advisor.advise(" ", rates, -2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic: must not be blank")
                .hasMessageContaining("recordsPerSec of partition 0: must be finite and not negative, was -1.0")
                .hasMessageContaining("recordsPerSec of partition 1: must be finite and not negative, was NaN")
                .hasMessageContaining("mbPerSec: must be finite and not negative, was -2.0");
        assertThatThrownBy(() -> advisor.advise("t", Map.of(), 0)).hasMessageContaining("recordsPerSec: no partitions");
        assertThatThrownBy(() -> new TopicExpansionAdvisor(0.2, UnitLimits.kafkaPartition(), 0.5))
                .hasMessageContaining("hotRatio must be a finite number of at least 1.0, was 0.5");
    }

    private static Map<Integer, Double> even(int partitions, double rate) {
        Map<Integer, Double> m = new TreeMap<>();
        IntStream.range(0, partitions).forEach(p -> m.put(p, rate));
        return m;
    }
}
