package io.shardshift.migrator.rebalance;

import io.shardshift.core.event.Lsn;
import io.shardshift.migrator.metrics.LagSample;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of a rebalance's status from its latest {@link LagSample}, in the same shape as the
 * dashboard's status ({@code source}, {@code backfill}, {@code targets}, {@code consumerLagTotal},
 * {@code deadLetters}), so the dashboard can show any rebalance. LSNs as PostgreSQL prints them, sizes in
 * bytes.
 */
final class StatusFigures {
    private StatusFigures() {
    }

    /** @param sample the latest sample, or {@code null} before the rebalance has started */
    static Map<String, Object> of(LagSample sample, String sampleError) {
        LagSample s = sample == null ? LagSample.empty(0) : sample;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sampleError", sampleError);
        out.put("takenAtMillis", s.takenAtMillis());
        out.put("source", Map.of(
                "walLsn", Lsn.format(s.sourceWalLsn()),
                "capturedLsn", Lsn.format(s.capturedLsn()),
                "captureLagBytes", Math.max(0, s.sourceWalLsn() - s.capturedLsn()),
                "capturePublished", s.capturePublished(),
                "slotRetainedWalBytes", s.slotRetainedBytes()));
        out.put("backfill", s.backfill().stream().map(StatusFigures::table).toList());
        out.put("targets", s.targets().stream().map(StatusFigures::target).toList());
        out.put("consumerLagTotal", s.consumerLagTotal());
        out.put("lagSeconds", s.targets().stream().mapToDouble(LagSample.TargetLag::lagSeconds).max().orElse(0));
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
}
