package io.shardshift.engine.metrics;

import io.shardshift.engine.run.InstanceInfo;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The migrator processes of a migration as JSON-ready maps, shared by the status answers (the migration's and its
 * rebalance's; {@code shardshift rebalance status} prints a line per instance from them):
 *
 * <pre>{@code
 * {"id":"host-a-4242","state":"live","roles":["capture","backfill","apply"],"host":"host-a","pid":4242,
 *  "http":"http://10.0.0.5:8080","startedAt":"2026-12-07T04:00:00Z","lastSeen":"2026-12-07T04:10:02Z",
 *  "lastSeenMillis":1796616602000,"silentMillis":1200,"holds":{"applyPartitions":[...],"applyTasks":[...]},
 *  "figures":{"eventsApplied":120345}}
 * }</pre>
 *
 * {@code state} is {@code lost} once an instance has been silent for longer than {@link InstanceInfo#LOST_AFTER}.
 */
public final class InstanceJson {
    private InstanceJson() {
    }

    /** Every instance, as seen at {@code nowMillis}. */
    public static List<Map<String, Object>> all(List<InstanceInfo> instances, long nowMillis) {
        return instances.stream().map(i -> of(i, nowMillis)).toList();
    }

    /** One instance, as seen at {@code nowMillis}. */
    public static Map<String, Object> of(InstanceInfo i, long nowMillis) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", i.id());
        out.put("state", i.state(nowMillis));
        out.put("roles", i.roles());
        out.put("host", i.host());
        out.put("pid", i.pid());
        out.put("http", i.http());
        out.put("startedAt", Instant.ofEpochMilli(i.startedAtMillis()).toString());
        out.put("lastSeen", Instant.ofEpochMilli(i.lastSeenMillis()).toString());
        out.put("lastSeenMillis", i.lastSeenMillis());
        out.put("silentMillis", Math.max(0, nowMillis - i.lastSeenMillis()));
        out.put("holds", i.holds());
        out.put("figures", i.figures());
        return out;
    }
}
