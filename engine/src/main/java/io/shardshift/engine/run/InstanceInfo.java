package io.shardshift.engine.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One migrator process of a migration, as its heartbeat on {@code <prefix>.instances} tells it:
 *
 * <pre>{@code
 * {"id":"host-a-4242","roles":["capture","backfill","apply"],"host":"host-a","pid":4242,
 *  "http":"http://10.0.0.5:8080","startedAt":1765080000000,"lastSeen":1765080042000,
 *  "holds":{"applyPartitions":["shop.apply/demo.public.orders-0"],"applyTasks":["shop.apply/0_0"]},
 *  "figures":{"eventsApplied":120345}}
 * }</pre>
 *
 * {@code holds} is what the process works on now, by kind; kinds other than the apply's (capture groups,
 * backfill chunks) are added by the parts that hold them, and a reader shows every kind it finds. {@code figures}
 * are its own counts since it started (e.g. {@link #EVENTS_APPLIED}), as the other processes cannot see them.
 *
 * @param id              the instance id ({@code --instance-id}, default {@code <hostname>-<pid>})
 * @param roles           the parts it runs ({@code capture}, {@code backfill}, {@code apply})
 * @param host            its host name
 * @param pid             its process id
 * @param http            its dashboard and API address, or {@code null} when it serves none
 * @param startedAtMillis when it started
 * @param lastSeenMillis  when it published its heartbeat (its own clock) or, as an {@link InstanceRegistry} lists
 *                        it, when that registry read it (the reader's clock)
 * @param holds           what it holds, by kind, each list sorted
 * @param figures         its own counts by name
 */
public record InstanceInfo(String id, List<String> roles, String host, long pid, String http, long startedAtMillis,
                           long lastSeenMillis, Map<String, List<String>> holds, Map<String, Long> figures) {
    /** An instance silent for longer than this is shown as lost. */
    public static final Duration LOST_AFTER = Duration.ofSeconds(10);
    /** A lost instance is no longer shown after this much silence. */
    public static final Duration DROPPED_AFTER = Duration.ofMinutes(5);
    /** The {@link #state} of an instance that published within {@link #LOST_AFTER}. */
    public static final String LIVE = "live";
    /** The {@link #state} of an instance silent for longer than {@link #LOST_AFTER} (killed, cut off, hung). */
    public static final String LOST = "lost";
    /** The {@link #holds} kind of the backfill chunks the process is copying now ({@code <schema.table>#<index>}). */
    public static final String BACKFILL_CHUNKS = "backfillChunks";
    /** The {@link #holds} kind of the capture groups whose engine runs in the process ({@code <group> (<slot>)}). */
    public static final String CAPTURE_GROUPS = "captureGroups";
    /** The {@link #holds} kind of the apply's Kafka partitions ({@code <application id>/<topic>-<partition>}). */
    public static final String APPLY_PARTITIONS = "applyPartitions";
    /** The {@link #holds} kind of the apply's Kafka Streams tasks ({@code <application id>/<task id>}). */
    public static final String APPLY_TASKS = "applyTasks";
    /**
     * The {@link #holds} kind of the apply's static group members ({@code <application id>/<group.instance.id>}),
     * which a live instance removes from their groups when this one is lost, so its partitions move at once.
     */
    public static final String APPLY_MEMBERS = "applyMembers";
    /**
     * The {@link #holds} kind of the tables whose changes its apply holds back after a source schema change
     * ({@code <schema.table> paused at LSN ...: <reason>}); a cutover from any process waits for them.
     */
    public static final String PAUSED_TABLES = "pausedTables";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The {@link #figures} name of the change events its apply wrote to the targets (summed over targets). */
    public static final String EVENTS_APPLIED = "eventsApplied";

    public InstanceInfo {
        roles = List.copyOf(roles);
        figures = java.util.Collections.unmodifiableMap(new TreeMap<>(figures));
        Map<String, List<String>> sorted = new TreeMap<>();
        holds.forEach((kind, items) -> sorted.put(kind, items.stream().sorted().toList()));
        holds = java.util.Collections.unmodifiableMap(sorted);
    }

    /** An instance with no figures. */
    public InstanceInfo(String id, List<String> roles, String host, long pid, String http, long startedAtMillis,
                        long lastSeenMillis, Map<String, List<String>> holds) {
        this(id, roles, host, pid, http, startedAtMillis, lastSeenMillis, holds, Map.of());
    }

    /** {@link #LIVE} or {@link #LOST} at {@code nowMillis}. */
    public String state(long nowMillis) {
        return nowMillis - lastSeenMillis > LOST_AFTER.toMillis() ? LOST : LIVE;
    }

    /** The same instance seen again at {@code nowMillis}, holding {@code now}. */
    public InstanceInfo seen(long nowMillis, Map<String, List<String>> now) {
        return new InstanceInfo(id, roles, host, pid, http, startedAtMillis, nowMillis, now, figures);
    }

    /** The same instance with {@code counts} as its figures. */
    public InstanceInfo withFigures(Map<String, Long> counts) {
        return new InstanceInfo(id, roles, host, pid, http, startedAtMillis, lastSeenMillis, holds, counts);
    }

    /** The same instance serving its dashboard at {@code address}. */
    public InstanceInfo withHttp(String address) {
        return new InstanceInfo(id, roles, host, pid, address, startedAtMillis, lastSeenMillis, holds, figures);
    }

    /** How many items it holds of {@code kind}. */
    public int holding(String kind) {
        return holds.getOrDefault(kind, List.of()).size();
    }

    /**
     * One line for a terminal, e.g. {@code instance host-a-4242 live, roles capture,backfill,apply, host host-a pid
     * 4242, holds 3 applyPartitions 3 applyTasks, last seen 1.2 s ago}.
     */
    public String describe(long nowMillis) {
        StringBuilder held = new StringBuilder();
        holds.forEach((kind, items) -> {
            if (!items.isEmpty() && !APPLY_MEMBERS.equals(kind)) {
                held.append(held.length() == 0 ? "" : " ").append(items.size()).append(' ').append(kind);
            }
        });
        return "instance " + id + " " + state(nowMillis) + ", roles " + String.join(",", roles) + ", host " + host
                + " pid " + pid + (http == null ? "" : ", " + http) + ", holds " + (held.length() == 0 ? "nothing" : held)
                + (figures.containsKey(EVENTS_APPLIED) ? ", applied " + figures.get(EVENTS_APPLIED) + " events" : "")
                + ", last seen " + String.format(java.util.Locale.ROOT, "%.1f", Math.max(0, nowMillis - lastSeenMillis) / 1000.0)
                + " s ago";
    }

    /** The heartbeat's JSON (see the class comment). */
    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        ArrayNode r = n.putArray("roles");
        roles.forEach(r::add);
        n.put("host", host);
        n.put("pid", pid);
        n.put("http", http);
        n.put("startedAt", startedAtMillis);
        n.put("lastSeen", lastSeenMillis);
        ObjectNode h = n.putObject("holds");
        holds.forEach((kind, items) -> {
            ArrayNode a = h.putArray(kind);
            items.forEach(a::add);
        });
        ObjectNode f = n.putObject("figures");
        figures.forEach(f::put);
        return n.toString();
    }

    /**
     * Reads a heartbeat.
     *
     * @throws IllegalArgumentException naming what is missing or not JSON
     */
    public static InstanceInfo fromJson(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("an instance heartbeat is not JSON: " + e.getOriginalMessage(), e);
        }
        if (n == null || !n.hasNonNull("id") || !n.hasNonNull("lastSeen")) {
            throw new IllegalArgumentException("an instance heartbeat has no id or lastSeen: " + json);
        }
        List<String> roles = new ArrayList<>();
        n.path("roles").forEach(r -> roles.add(r.asText()));
        Map<String, List<String>> holds = new TreeMap<>();
        n.path("holds").fields().forEachRemaining(e -> {
            List<String> items = new ArrayList<>();
            e.getValue().forEach(i -> items.add(i.asText()));
            holds.put(e.getKey(), items);
        });
        Map<String, Long> figures = new TreeMap<>();
        n.path("figures").fields().forEachRemaining(e -> figures.put(e.getKey(), e.getValue().asLong()));
        return new InstanceInfo(n.get("id").asText(), roles, n.path("host").asText(""), n.path("pid").asLong(-1),
                n.hasNonNull("http") ? n.get("http").asText() : null, n.path("startedAt").asLong(0),
                n.get("lastSeen").asLong(), holds, figures);
    }
}
