package io.shardshift.plan.capacity;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CapacityCalculatorTest {
    private final CapacityCalculator calculator = new CapacityCalculator();

    @Test
    void shouldSizeByTheTighterLimitWithTwentyPercentHeadroom() {
        CapacityEstimate e = calculator.estimate(new Throughput(25, 12_000, 0), UnitLimits.kafkaPartition());

        assertThat(e.byBytes()).isEqualTo(2.5);
        assertThat(e.byRecords()).isEqualTo(2.4);
        assertThat(e.binding()).isEqualTo("bytes");
        assertThat(e.units()).isEqualTo(3);
    }

    @Test
    void shouldSizeByRecordsWhenRecordsAreTheTighterLimit() {
        CapacityEstimate e = calculator.estimate(new Throughput(1, 50_000, 0), UnitLimits.kafkaPartition());

        assertThat(e.binding()).isEqualTo("records");
        assertThat(e.units()).isEqualTo(12);
    }

    @Test
    void shouldNeverAskForMoreUnitsThanDistinctKeys() {
        CapacityEstimate e = calculator.estimate(new Throughput(100, 0, 4), UnitLimits.kafkaPartition());

        assertThat(e.units()).isEqualTo(4);
        assertThat(e.notes()).anyMatch(n -> n.startsWith("only 4 distinct keys"));
    }

    @Test
    void shouldAskForAtLeastOneUnit() {
        assertThat(calculator.estimate(new Throughput(0, 0, 0), UnitLimits.solrShard()).units()).isEqualTo(1);
    }

    @Test
    void shouldRejectANegativeThroughput() {
        assertThatThrownBy(() -> new Throughput(-1, 0, 0)).hasMessageContaining("mbPerSec=-1");
    }
}
