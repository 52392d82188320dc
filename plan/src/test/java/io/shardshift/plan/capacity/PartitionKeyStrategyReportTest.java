package io.shardshift.plan.capacity;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionKeyStrategyReportTest {
    private final PartitionKeyStrategyReport report = new PartitionKeyStrategyReport(8, Duration.ofHours(1), 4, 42);

    /** 10,000 rows: one tenant writes 70% of them, 99 others share the rest; all written within one hour. */
    private static List<KeySample> skewedSample() {
        List<KeySample> sample = new ArrayList<>();
        long t0 = 1_700_000_000_000L - 1_700_000_000_000L % 3_600_000L;
        for (int i = 0; i < 10_000; i++) {
            String tenant = i % 10 < 7 ? "acme" : "t" + (i % 99);
            sample.add(new KeySample(tenant, String.valueOf(i), t0 + i * 100L));
        }
        return sample;
    }

    @Test
    void shouldShowHashAndRandomEvenAndPerUserAndTimeBasedSkewed() {
        Map<PartitionKeyStrategy, StrategySpread> spreads = report.analyze(skewedSample()).stream()
                .collect(Collectors.toMap(StrategySpread::strategy, Function.identity()));

        assertThat(spreads.get(PartitionKeyStrategy.HASH).maxOverMean()).isLessThan(1.1);
        assertThat(spreads.get(PartitionKeyStrategy.RANDOM).maxOverMean()).isLessThan(1.1);
        assertThat(spreads.get(PartitionKeyStrategy.PER_USER).maxOverMean()).isGreaterThan(5.0);
        assertThat(spreads.get(PartitionKeyStrategy.TIME_BASED).maxOverMean()).isEqualTo(8.0);
        assertThat(spreads.get(PartitionKeyStrategy.TIME_BASED).emptyPartitions()).isEqualTo(7);
        assertThat(spreads.get(PartitionKeyStrategy.COMPOSITE).maxOverMean())
                .isLessThan(spreads.get(PartitionKeyStrategy.PER_USER).maxOverMean());
    }

    @Test
    void shouldSayWhichOrderEachStrategyKeeps() {
        List<StrategySpread> spreads = report.analyze(skewedSample());

        assertThat(spreads).extracting(StrategySpread::strategy).containsExactly(PartitionKeyStrategy.values());
        assertThat(spreads.get(0).orderKept()).startsWith("per row");
        assertThat(spreads.get(1).orderKept()).startsWith("per tenant");
        assertThat(spreads.get(4).orderKept()).startsWith("none");
        assertThat(spreads).allSatisfy(s -> assertThat(s.perPartition().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(10_000));
    }
}
