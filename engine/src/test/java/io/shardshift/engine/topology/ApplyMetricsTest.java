package io.shardshift.engine.topology;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.engine.topology.internal.LatencyHistogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ApplyMetricsTest {

    @Test
    void shouldReportLatencyPercentilesWithinThreePercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 10_000; v++) {
            h.record(v);
        }
        assertThat(h.count()).isEqualTo(10_000);
        assertThat((double) h.valueAt(0.50)).isCloseTo(5_000, within(150.0));
        assertThat((double) h.valueAt(0.99)).isCloseTo(9_900, within(300.0));
        assertThat(h.valueAt(0.0)).isEqualTo(1);
        assertThat(new LatencyHistogram().valueAt(0.99)).isZero();
    }

    @Test
    void shouldKeepExactValuesBelowSixtyFourAndClampNegativeOnes() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(-5);
        h.record(17);
        assertThat(h.valueAt(0.5)).isZero();
        assertThat(h.valueAt(1.0)).isEqualTo(17);
    }

    @Test
    void shouldCountPerTargetAndIgnoreSnapshotRowsForFenceAndLatency() {
        ApplyMetrics metrics = new ApplyMetrics();
        long now = Orders.COMMIT_MILLIS + 10_000;
        metrics.recordApplied("pg_a", List.of(Orders.insert("1", "t", "1", 100), Orders.update("1", "t", "2", 300),
                Orders.snapshotRow("2", "t", "1")), now);
        metrics.recordApplied("pg_b", List.of(Orders.insert("3", "t", "1", 200)), now);
        metrics.recordDeadLetter("pg_b");
        metrics.recordDeadLetter(null);

        ApplyMetrics.TargetStats a = metrics.target("pg_a");
        assertThat(a.eventsApplied()).isEqualTo(3);
        assertThat(a.highestFence()).isEqualTo(300);
        assertThat(a.lastCommitMillis()).isEqualTo(Orders.at(300).commitMillis());
        assertThat(a.latencySamples()).isEqualTo(2);
        assertThat(a.lagMillis(now)).isEqualTo(now - Orders.at(300).commitMillis());
        assertThat(metrics.target("pg_b").deadLetters()).isEqualTo(1);
        assertThat(metrics.deadLetters()).isEqualTo(2);
        assertThat(metrics.undeliverable()).isEqualTo(1);
        assertThat(metrics.snapshot()).containsOnlyKeys("pg_a", "pg_b");
        assertThat(metrics.target("pg_none").eventsApplied()).isZero();
    }

    @Test
    void shouldCountEveryEventWhenThreadsRecordAtOnce() throws InterruptedException {
        ApplyMetrics metrics = new ApplyMetrics();
        List<ChangeEvent> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(Orders.insert(Integer.toString(i), "t", "1", 1000 + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 40; t++) {
            pool.execute(() -> metrics.recordApplied("pg_a", batch, Orders.COMMIT_MILLIS + 5_000));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(metrics.target("pg_a").eventsApplied()).isEqualTo(4_000);
        assertThat(metrics.target("pg_a").latencySamples()).isEqualTo(4_000);
        assertThat(metrics.target("pg_a").highestFence()).isEqualTo(1099);
    }
}
