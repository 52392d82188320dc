package io.shardshift.migrator.http;

import io.shardshift.cdc.SourceIdentity;
import io.shardshift.core.event.Lsn;
import io.shardshift.engine.run.SourceFailover;
import io.shardshift.engine.metrics.InstanceJson;
import io.shardshift.engine.metrics.LagSampleJson;
import io.shardshift.engine.metrics.LagSample;
import io.shardshift.engine.metrics.MigrationStatus;
import io.shardshift.engine.rate.RateGuardStatus;
import io.shardshift.engine.rate.RateSignals;
import io.shardshift.engine.topology.TablePauses;
import io.shardshift.engine.topology.TargetOutages;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON of {@code GET /v1/rebalance/status}: LSNs as PostgreSQL prints them, sizes in bytes, times in ms. */
final class StatusJson {
    private StatusJson() {
    }

    static Map<String, Object> of(MigrationStatus status) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", status.id());
        out.put("phase", status.phase());
        out.put("failure", status.failure());
        out.put("sampleError", status.sampleError());
        out.putAll(LagSampleJson.figures(status.latest()));
        out.put("partitions", status.latest().partitions());
        out.put("tables", status.pausedTables().stream().map(StatusJson::paused).toList());
        out.put("waitingTargets", status.waitingTargets().stream().map(StatusJson::waiting).toList());
        out.put("sourceFailover", status.sourceFailover() == null ? null : failover(status.sourceFailover()));
        out.put("backfillRate", status.backfillRate() == null ? null : rate(status.backfillRate()));
        out.put("instances", InstanceJson.all(status.instances(), System.currentTimeMillis()));
        return out;
    }

    /**
     * A source failover: {@code {"kind":"promoted-standby","state":"converging","detected":"...","action":"...",
     * "previous":{"systemIdentifier":"73..","timeline":1},"current":{...},"highestPositionBefore":"0/3000148",
     * "resumedAfter":"0/4000000","result":"","detectedAt":"2026-12-07T02:10:00Z"}}.
     */
    private static Map<String, Object> failover(SourceFailover f) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", f.kind());
        out.put("state", f.state());
        out.put("detected", f.detected());
        out.put("action", f.action());
        out.put("previous", identity(f.previous()));
        out.put("current", identity(f.current()));
        out.put("highestPositionBefore", Lsn.format(f.highestPositionBefore()));
        out.put("resumedAfter", Lsn.format(f.resumedAfter()));
        out.put("result", f.result());
        out.put("detectedAt", Instant.ofEpochMilli(f.detectedAtMillis()).toString());
        return out;
    }

    private static Map<String, Object> identity(SourceIdentity id) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("systemIdentifier", Long.toUnsignedString(id.systemIdentifier()));
        out.put("timeline", id.timeline());
        out.put("serverVersionNum", id.serverVersionNum());
        return out;
    }

    /**
     * The backfill's rate guard: {@code {"active":true,"rowsPerSecond":40000,"maxRate":null,"targetLagMillis":2000,
     * "observedRowsPerSecond":39000,"limitingSignal":"lag","detail":"stream lag 2400 ms over ...","signals":{...},
     * "decreases":3,"decisions":[{"atMillis":...,"action":"DECREASE","fromRate":80000,"toRate":40000,"signal":"lag",
     * "detail":"..."}]}}; {@code maxRate} is {@code null} when unlimited, a signal of -1 is unknown.
     */
    private static Map<String, Object> rate(RateGuardStatus g) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("active", g.active());
        out.put("rowsPerSecond", Math.round(g.rowsPerSecond()));
        out.put("maxRate", g.maxRate() < 0 ? null : g.maxRate());
        out.put("targetLagMillis", g.targetLagMillis());
        out.put("observedRowsPerSecond", Math.round(g.observedRowsPerSecond()));
        out.put("limitingSignal", g.limitingSignal());
        out.put("detail", g.detail());
        RateSignals s = g.signals();
        if (s != null) {
            Map<String, Object> signals = new LinkedHashMap<>();
            signals.put("lagMillis", s.lagMillis());
            signals.put("sourceMillisPer1k", s.sourceMillisPer1k());
            signals.put("sourceBaselinePer1k", s.sourceBaselinePer1k());
            signals.put("standbyReplayLagMillis", s.standbyReplayLagMillis());
            signals.put("waitingTargets", s.waitingTargets());
            signals.put("targetMillisPer1k", s.targetMillisPer1k());
            signals.put("targetBaselinePer1k", s.targetBaselinePer1k());
            out.put("signals", signals);
        }
        out.put("decreases", g.decreases());
        out.put("decisions", g.decisions().stream().map(d -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("atMillis", d.atMillis());
            m.put("action", d.action().name());
            m.put("fromRate", Math.round(d.fromRate()));
            m.put("toRate", Math.round(d.toRate()));
            m.put("signal", d.signal());
            m.put("detail", d.detail());
            return m;
        }).toList());
        return out;
    }

    /**
     * A target apply is waiting for: {@code {"target":"pg_b","state":"waiting","since":"2026-12-06T22:10:00Z",
     * "sinceMillis":...,"lastError":"...","text":"waiting for target pg_b since ... (...)"}}.
     */
    private static Map<String, Object> waiting(TargetOutages.Waiting w) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("target", w.target());
        out.put("state", "waiting");
        out.put("since", Instant.ofEpochMilli(w.sinceMillis()).toString());
        out.put("sinceMillis", w.sinceMillis());
        out.put("lastError", w.lastError());
        out.put("text", w.describe());
        return out;
    }

    /** A paused table: {@code {"table":"public.orders","state":"paused","reason":"...","lsn":"0/16B3748",...}}. */
    private static Map<String, Object> paused(TablePauses.Pause p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("table", p.table().toString());
        out.put("state", "paused");
        out.put("reason", p.reason());
        out.put("lsn", Lsn.format(p.lsn()));
        out.put("sinceMillis", p.sinceMillis());
        out.put("resume", "POST /v1/tables/resume {\"table\":\"" + p.table() + "\"} after applying the same DDL to every target");
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
