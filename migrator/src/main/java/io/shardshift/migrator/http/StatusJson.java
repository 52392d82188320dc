package io.shardshift.migrator.http;

import io.shardshift.core.event.Lsn;
import io.shardshift.migrator.metrics.LagSample;
import io.shardshift.migrator.metrics.MigrationStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON of {@code GET /v1/rebalance/status}: LSNs as PostgreSQL prints them, sizes in bytes, times in ms. */
final class StatusJson {
    private StatusJson() {
    }

    static Map<String, Object> of(MigrationStatus status) {
        LagSample s = status.latest();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", status.id());
        out.put("phase", status.phase());
        out.put("failure", status.failure());
        out.put("sampleError", status.sampleError());
        out.put("takenAtMillis", s.takenAtMillis());
        out.put("source", Map.of(
                "walLsn", Lsn.format(s.sourceWalLsn()),
                "capturedLsn", Lsn.format(s.capturedLsn()),
                "captureLagBytes", Math.max(0, s.sourceWalLsn() - s.capturedLsn()),
                "capturePublished", s.capturePublished(),
                "slotRetainedWalBytes", s.slotRetainedBytes()));
        out.put("backfill", s.backfill().stream().map(StatusJson::table).toList());
        out.put("targets", s.targets().stream().map(StatusJson::target).toList());
        out.put("partitions", s.partitions());
        out.put("consumerLagTotal", s.consumerLagTotal());
        out.put("deadLetters", Map.of("topicEvents", s.deadLetterTopicEvents(), "thisRun", s.deadLettersThisRun()));
        return out;
    }

    private static Map<String, Object> table(LagSample.TableBackfill b) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("table", b.table());
        out.put("rowsRead", b.rowsRead());
        out.put("estimatedRows", b.estimatedRows());
        out.put("chunksDone", b.chunksDone());
        out.put("totalChunks", b.totalChunks());
        out.put("fraction", b.fraction());
        out.put("finished", b.finished());
        return out;
    }

    private static Map<String, Object> target(LagSample.TargetLag t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("target", t.target());
        out.put("appliedLsn", Lsn.format(t.appliedLsn()));
        out.put("lagBytes", t.lagBytes());
        out.put("lagSeconds", t.lagSeconds());
        out.put("eventsApplied", t.eventsApplied());
        out.put("deadLetters", t.deadLetters());
        out.put("latency", Map.of("samples", t.latencySamples(), "p50Millis", t.p50LatencyMillis(),
                "p99Millis", t.p99LatencyMillis(), "recentP99Millis", t.recentP99Millis()));
        return out;
    }

    /**
     * The samples as columns for the charts: {@code t} (epoch ms) and, per target and per partition, one
     * value per sample ({@code null} where a series did not exist yet).
     */
    static Map<String, Object> history(String id, List<LagSample> samples) {
        Map<String, Map<String, List<Object>>> targets = new LinkedHashMap<>();
        Map<String, List<Object>> partitions = new LinkedHashMap<>();
        List<Object> times = new ArrayList<>();
        List<Object> consumerLag = new ArrayList<>();
        List<Object> slotRetained = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            LagSample s = samples.get(i);
            times.add(s.takenAtMillis());
            consumerLag.add(s.consumerLagTotal());
            slotRetained.add(s.slotRetainedBytes());
            for (LagSample.TargetLag t : s.targets()) {
                Map<String, List<Object>> series = targets.computeIfAbsent(t.target(), k -> new LinkedHashMap<>());
                column(series, "lagSeconds", i).add(t.lagSeconds());
                column(series, "lagBytes", i).add(t.lagBytes());
                column(series, "eventsApplied", i).add(t.eventsApplied());
                column(series, "recentP99Millis", i).add(t.recentP99Millis());
            }
            for (LagSample.PartitionLag p : s.partitions()) {
                List<Object> series = partitions.computeIfAbsent(p.key(), k -> new ArrayList<>());
                pad(series, i).add(p.lag());
            }
        }
        targets.values().forEach(series -> series.values().forEach(c -> pad(c, samples.size())));
        partitions.values().forEach(c -> pad(c, samples.size()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("t", times);
        out.put("consumerLagTotal", consumerLag);
        out.put("slotRetainedWalBytes", slotRetained);
        out.put("targets", targets);
        out.put("partitions", partitions);
        return out;
    }

    private static List<Object> column(Map<String, List<Object>> series, String name, int index) {
        return pad(series.computeIfAbsent(name, k -> new ArrayList<>()), index);
    }

    private static List<Object> pad(List<Object> column, int size) {
        while (column.size() < size) {
            column.add(null);
        }
        return column;
    }
}
