package io.shardshift.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.common.utils.Utils;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The route of one keyed topic, as published on the config topic under
 * {@code stream.partition.route.<topic>} (format: {@code docs/config-topic.md}):
 *
 * <pre>{@code
 * {"topic":"orders-events","route":"new","partitions":24,"oldPartitions":12,"newPartitions":24,"generation":2,
 *  "frozen":false,"fence":{"0":1042,"1":998,...},
 *  "flips":[{"generation":2,"fromPartitions":12,"toPartitions":24,"fence":{"0":1042,...}}],
 *  "rebalance":"stream_orders-events_1","reason":"cutover ...","atMillis":1767225600000}
 * }</pre>
 *
 * A producer writes key {@code k} to {@code toPositive(murmur2(k)) % partitions} (Kafka's default partitioner
 * formula, over the live route's count rather than the topic's) and holds writes while {@code frozen} is true.
 *
 * @param topic         the keyed topic
 * @param route         {@code old} or {@code new}: which count is live
 * @param oldPartitions the count before the expansion
 * @param newPartitions the count after it
 * @param generation    the route generation (1 before the first flip, +1 per flip)
 * @param frozen        whether producers must hold writes to the topic now
 * @param flips         every flip so far, oldest first (the consumer hand-off needs their fences)
 */
public record StreamRoute(String topic, String route, int oldPartitions, int newPartitions, long generation,
                          boolean frozen, List<StreamFlip> flips) {
    /** The value of {@code route} while the count before the expansion is live. */
    public static final String OLD = "old";
    /** The value of {@code route} while the expanded count is live. */
    public static final String NEW = "new";

    public StreamRoute {
        if (!OLD.equals(route) && !NEW.equals(route)) {
            throw new IllegalArgumentException("route must be 'old' or 'new', was '" + route + "'");
        }
        if (oldPartitions < 1 || newPartitions < 1) {
            throw new IllegalArgumentException("partition counts must be at least 1, were " + oldPartitions + " and "
                    + newPartitions);
        }
        flips = List.copyOf(flips);
    }

    /** The partition count producers route by now. */
    public int livePartitions() {
        return NEW.equals(route) ? newPartitions : oldPartitions;
    }

    /** The partition of a key under the live route: {@code toPositive(murmur2(keyBytes)) % livePartitions()}. */
    public int partitionFor(byte[] keyBytes) {
        return partitionFor(keyBytes, livePartitions());
    }

    /** The partition of a key among {@code partitions}: Kafka's default formula for keyed records. */
    public static int partitionFor(byte[] keyBytes, int partitions) {
        return Utils.toPositive(Utils.murmur2(keyBytes)) % partitions;
    }

    /** The fence of the last flip (empty before the first flip). */
    public Map<Integer, Long> fence() {
        return flips.isEmpty() ? Map.of() : flips.get(flips.size() - 1).fence();
    }

    /**
     * Reads a route record. A record of the first format ({@code {"topic":..,"partitions":24,"generation":2}},
     * without {@code route}) reads as a route whose both counts are {@code partitions}, never frozen, no flips.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public static StreamRoute parse(JsonNode v) {
        String topic = text(v, "topic");
        if (!v.hasNonNull("route")) {
            int partitions = count(v, "partitions");
            return new StreamRoute(topic, NEW, partitions, partitions, v.path("generation").asLong(1), false, List.of());
        }
        List<StreamFlip> flips = new ArrayList<>();
        for (JsonNode f : v.path("flips")) {
            flips.add(new StreamFlip(f.path("generation").asLong(), count(f, "fromPartitions"), count(f, "toPartitions"),
                    fence(f.path("fence"))));
        }
        return new StreamRoute(topic, text(v, "route"), count(v, "oldPartitions"), count(v, "newPartitions"),
                v.path("generation").asLong(1), v.path("frozen").asBoolean(false), flips);
    }

    /** The record's JSON fields (without {@code rebalance}, {@code reason}, {@code atMillis}, which the publisher adds). */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("topic", topic);
        out.put("route", route);
        out.put("partitions", livePartitions());
        out.put("oldPartitions", oldPartitions);
        out.put("newPartitions", newPartitions);
        out.put("generation", generation);
        out.put("frozen", frozen);
        out.put("fence", fenceJson(fence()));
        List<Map<String, Object>> fl = new ArrayList<>();
        for (StreamFlip f : flips) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("generation", f.generation());
            m.put("fromPartitions", f.fromPartitions());
            m.put("toPartitions", f.toPartitions());
            m.put("fence", fenceJson(f.fence()));
            fl.add(m);
        }
        out.put("flips", fl);
        return out;
    }

    /** This route frozen or unfrozen. */
    public StreamRoute withFrozen(boolean frozenNow) {
        return new StreamRoute(topic, route, oldPartitions, newPartitions, generation, frozenNow, flips);
    }

    /**
     * The route after a flip to {@code toRoute} with the counts given, one generation later, with the flip and its
     * fence appended to the history; frozen as this one is.
     */
    public StreamRoute flip(String toRoute, int oldCount, int newCount, Map<Integer, Long> fence) {
        int to = NEW.equals(toRoute) ? newCount : oldCount;
        List<StreamFlip> all = new ArrayList<>(flips);
        all.add(new StreamFlip(generation + 1, livePartitions(), to, fence));
        return new StreamRoute(topic, toRoute, oldCount, newCount, generation + 1, frozen, all);
    }

    private static Map<String, Long> fenceJson(Map<Integer, Long> fence) {
        Map<String, Long> out = new LinkedHashMap<>();
        new TreeMap<>(fence).forEach((p, o) -> out.put(Integer.toString(p), o));
        return out;
    }

    private static Map<Integer, Long> fence(JsonNode n) {
        Map<Integer, Long> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                out.put(Integer.parseInt(e.getKey()), e.getValue().asLong());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("fence key '" + e.getKey() + "' is not a partition number");
            }
        }
        return out;
    }

    private static String text(JsonNode v, String field) {
        if (!v.hasNonNull(field)) {
            throw new IllegalArgumentException("route record has no '" + field + "'");
        }
        return v.get(field).asText();
    }

    private static int count(JsonNode v, String field) {
        int n = v.path(field).asInt(0);
        if (n < 1) {
            throw new IllegalArgumentException("route record field '" + field + "' must be a count of at least 1, was "
                    + v.path(field));
        }
        return n;
    }
}
