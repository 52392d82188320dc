package io.shardshift.engine.metrics;

import io.shardshift.engine.rate.RateDecision;
import io.shardshift.engine.rate.RateGuardStatus;
import io.shardshift.engine.rate.RateSignals;
import org.junit.jupiter.api.Test;

import java.util.List;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationMetricsTest {

    @Test
    void shouldExposeEveryFigureOfTheLatestSampleAsPrometheusSeries() {
        AtomicReference<LagSample> latest = new AtomicReference<>(Samples.at(1000, 7));
        MigrationMetrics metrics = new MigrationMetrics("demo", latest::get);
        metrics.addMetersFor(latest.get());

        String text = metrics.scrape();

        assertThat(text).contains(
                "shardshift_source_wal_lsn{migration=\"demo\"} " + (double) 0x3000000L,
                "shardshift_capture_lsn{migration=\"demo\"}",
                "shardshift_capture_published_events_total{migration=\"demo\"} 1234",
                "shardshift_slot_retained_wal_bytes{migration=\"demo\"} 4096",
                "shardshift_slot_wal_status{migration=\"demo\",status=\"reserved\"} 1.0",
                "shardshift_slot_wal_status{migration=\"demo\",status=\"lost\"} 0.0",
                "shardshift_slot_wal_status{migration=\"demo\",status=\"extended\"} 0.0",
                "shardshift_dead_letter_topic_events{migration=\"demo\"} 2",
                "shardshift_target_applied_lsn{migration=\"demo\",target=\"pg_a\"}",
                "shardshift_target_lag_bytes{migration=\"demo\",target=\"pg_b\"} " + (double) 0x200000L,
                "shardshift_target_lag_seconds{migration=\"demo\",target=\"pg_a\"} 1.5",
                "shardshift_target_events_applied_total{migration=\"demo\",target=\"pg_b\"} 2000",
                "shardshift_target_dead_letters{migration=\"demo\",target=\"pg_b\"} 1",
                "shardshift_consumer_lag_events{migration=\"demo\",partition=\"0\",topic=\"shardshift.demo.public.orders\"} 7",
                "shardshift_backfill_rows{migration=\"demo\",table=\"public.orders\"} 5000",
                "shardshift_backfill_estimated_rows{migration=\"demo\",table=\"public.orders\"} 10000",
                "shardshift_backfill_progress_ratio{migration=\"demo\",table=\"public.orders\"} 0.5");
    }

    @Test
    void shouldExposeEachCaptureGroupsPositionLagAndSlotWithItsHolderInTheStatus() {
        LagSample base = Samples.at(1000, 0);
        LagSample sample = new LagSample(base.takenAtMillis(), base.sourceWalLsn(), 0x2E00000L, base.capturePublished(),
                8192, "extended", 2, 1, base.targets(), base.partitions(), base.backfill(), List.of(
                new LagSample.CaptureGroupLag(0, "shardshift_demo", List.of("public.orders"), "RUNNING", 0x2F00000L, 1000,
                        4096, "reserved", "host-a-1", ""),
                new LagSample.CaptureGroupLag(1, "shardshift_demo_g1", List.of("public.items"), "NOT_HERE", 0x2E00000L, 234,
                        8192, "extended", "host-b-2", "")));
        MigrationMetrics metrics = new MigrationMetrics("demo", () -> sample);
        metrics.addMetersFor(sample);

        assertThat(metrics.scrape()).contains(
                "shardshift_capture_group_lsn{group=\"1\",migration=\"demo\",slot=\"shardshift_demo_g1\"} " + (double) 0x2E00000L,
                "shardshift_capture_group_lag_bytes{group=\"0\",migration=\"demo\",slot=\"shardshift_demo\"} " + (double) 0x100000L,
                "shardshift_capture_group_slot_retained_wal_bytes{group=\"1\",migration=\"demo\",slot=\"shardshift_demo_g1\"} 8192",
                "shardshift_capture_group_published_events_total{group=\"0\",migration=\"demo\",slot=\"shardshift_demo\"} 1000");
        assertThat(LagSampleJson.figures(sample).get("captureGroups")).asList().hasSize(2).last()
                .asString().contains("slot=shardshift_demo_g1", "holder=host-b-2", "state=NOT_HERE", "captureLagBytes=2097152");
    }

    @Test
    void shouldFollowTheLatestSampleWithoutRebinding() {
        AtomicReference<LagSample> latest = new AtomicReference<>(Samples.at(1000, 7));
        MigrationMetrics metrics = new MigrationMetrics("demo", latest::get);
        metrics.addMetersFor(latest.get());

        latest.set(Samples.at(2000, 99));

        assertThat(metrics.scrape()).contains("partition=\"0\",topic=\"shardshift.demo.public.orders\"} 99");
    }

    @Test
    void shouldExposeTheBackfillRateGuardsRateAndLimitingSignal() {
        MigrationMetrics metrics = new MigrationMetrics("demo", () -> Samples.at(1000, 0));
        RateSignals signals = RateSignals.ofLag(2500, 2000, 39_000);
        AtomicReference<RateGuardStatus> guard = new AtomicReference<>(new RateGuardStatus(true, 40_000, -1, 2000,
                39_000, RateDecision.LAG, "stream lag 2500 ms over apply.targetLag 2000 ms", signals, List.of(), 3));
        metrics.bindRateGuard(guard::get);

        assertThat(metrics.scrape()).contains(
                "shardshift_backfill_rate_rows_per_second{migration=\"demo\"} 40000.0",
                "shardshift_backfill_rate_observed_rows_per_second{migration=\"demo\"} 39000.0",
                "shardshift_backfill_rate_stream_lag_seconds{migration=\"demo\"} 2.5",
                "shardshift_backfill_rate_limited{migration=\"demo\",signal=\"lag\"} 1.0",
                "shardshift_backfill_rate_limited{migration=\"demo\",signal=\"source\"} 0.0",
                "shardshift_backfill_rate_decreases_total{migration=\"demo\"} 3.0");

        guard.set(new RateGuardStatus(true, 20_000, -1, 2000, 19_000, "target pg_b", "apply is waiting for target pg_b",
                signals, List.of(), 4));
        assertThat(metrics.scrape()).contains("shardshift_backfill_rate_limited{migration=\"demo\",signal=\"target\"} 1.0",
                "shardshift_backfill_rate_limited{migration=\"demo\",signal=\"lag\"} 0.0");
    }

    @Test
    void shouldRecordLatencyAsAHistogramPerTarget() {
        MigrationMetrics metrics = new MigrationMetrics("demo", () -> Samples.at(1000, 0));
        metrics.recordLatency("pg_a", 40);
        metrics.recordLatency("pg_a", 80);

        String text = metrics.scrape();

        assertThat(text).contains("shardshift_apply_latency_seconds_count{migration=\"demo\",target=\"pg_a\"} 2",
                "shardshift_apply_latency_seconds_bucket{migration=\"demo\",target=\"pg_a\",le=");
    }
}
