package io.shardshift.engine.metrics;

import io.shardshift.core.event.Lsn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one {@link LagSample} as JSON-ready maps, shared by every status answer (the migration's
 * and each rebalance's): {@code takenAtMillis}, {@code source}, {@code backfill}, {@code targets},
 * {@code captureGroups} (each group's slot, tables, position and slot), {@code consumerLagTotal}, {@code lagSeconds} (the worst target's) and {@code deadLetters}. LSNs as
 * PostgreSQL prints them, sizes in bytes, times in ms.
 */
public final class LagSampleJson {
    private LagSampleJson() {
    }

    /** The figures of a sample, in a map the caller may add to. */
    public static Map<String, Object> figures(LagSample s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("takenAtMillis", s.takenAtMillis());
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("walLsn", Lsn.format(s.sourceWalLsn()));
        source.put("capturedLsn", Lsn.format(s.capturedLsn()));
        source.put("captureLagBytes", Math.max(0, s.sourceWalLsn() - s.capturedLsn()));
        source.put("capturePublished", s.capturePublished());
        source.put("slotRetainedWalBytes", s.slotRetainedBytes());
        source.put("slotWalStatus", s.slotWalStatus());
        out.put("source", source);
        out.put("captureGroups", s.captureGroups().stream().map(g -> captureGroup(g, s.sourceWalLsn())).toList());
        out.put("backfill", s.backfill().stream().map(LagSampleJson::table).toList());
        out.put("targets", s.targets().stream().map(LagSampleJson::target).toList());
        out.put("consumerLagTotal", s.consumerLagTotal());
        out.put("lagSeconds", s.targets().stream().mapToDouble(LagSample.TargetLag::lagSeconds).max().orElse(0));
        out.put("deadLetters", Map.of("topicEvents", s.deadLetterTopicEvents(), "thisRun", s.deadLettersThisRun()));
        return out;
    }

    private static Map<String, Object> captureGroup(LagSample.CaptureGroupLag g, long walLsn) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("group", g.group());
        out.put("slot", g.slot());
        out.put("tables", g.tables());
        out.put("state", g.state());
        out.put("capturedLsn", Lsn.format(g.capturedLsn()));
        out.put("captureLagBytes", Math.max(0, walLsn - g.capturedLsn()));
        out.put("published", g.published());
        out.put("slotRetainedWalBytes", g.slotRetainedBytes());
        out.put("slotWalStatus", g.slotWalStatus());
        out.put("holder", g.holder());
        if (!g.waiting().isEmpty()) {
            out.put("waiting", g.waiting());
        }
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
        out.put("chunksByInstance", new java.util.TreeMap<>(b.chunksByInstance()));
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
