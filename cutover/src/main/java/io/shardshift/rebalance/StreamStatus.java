package io.shardshift.rebalance;

import io.shardshift.client.StreamRoute;
import io.shardshift.cutover.PartitionReassigner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The figures of a stream rebalance's status, read from Kafka: the end offset of every partition, and for each
 * consumer group with offsets on the topic its lag per partition (old range: below the old count; new range: the
 * rest), and the gates: {@code old-range-lag-0} (every group has consumed the old range to its end) and
 * {@code handed-off} (every group has passed the last flip's fence on every partition, so the hand-off is over), and
 * {@code oldRoute}: {@code live}, {@code handing-off} or {@code retired} (after a cutover, once handed off).
 */
final class StreamStatus {
    private StreamStatus() {
    }

    /**
     * Whether the old route is retired: after a cutover, once every consumer group has passed the flip's fence on
     * every partition, no consumer holds a record for the hand-off any more and the old route's key mapping is used
     * by nobody (its partitions stay, as partitions of the new route).
     */
    private static Map<String, Object> oldRoute(StreamRoute route, boolean handedOff, boolean noGroups) {
        if (route == null || !StreamRoute.NEW.equals(route.route())) {
            return Map.of("state", "live", "detail", "producers route by the old partition count");
        }
        if (noGroups) {
            return Map.of("state", "retired", "detail", "no consumer group reads the topic");
        }
        return handedOff
                ? Map.of("state", "retired", "detail", "every consumer group passed the flip's fence on every partition;"
                + " a rollback now starts a new hand-off")
                : Map.of("state", "handing-off", "detail", "consumer groups still hold new partitions until they pass"
                + " the fence on the old ones");
    }

    /** The gate {@code balanced}: the reassignment is done and leaders and replicas per broker are within 1 of even. */
    static Map<String, Object> balancedGate(PartitionReassigner.Report report) {
        Object after = report.details().get("after");
        boolean even = after instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("withinOneOfEven"));
        boolean passed = "done".equals(report.state()) && even;
        return Map.of("gate", "balanced", "passed", passed, "detail", "reassignment " + report.state()
                + (after instanceof Map<?, ?> m ? "; leaders " + m.get("leaders") + ", replicas " + m.get("replicas")
                + " per broker" : ""));
    }

    static Map<String, Object> of(Admin admin, String topic, StreamRoute route, int newPartitions, Duration timeout) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            int count = admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic).partitions().size();
            for (int p = 0; p < count; p++) {
                ask.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<Integer, Long> ends = new TreeMap<>();
            admin.listOffsets(ask).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, i) -> ends.put(tp.partition(), i.offset()));
            out.put("partitions", count);
            out.put("endOffsets", ends);
            int oldCount = route == null ? count : route.oldPartitions();
            Map<Integer, Long> fence = route == null ? Map.of() : route.fence();
            Map<String, Object> groups = new TreeMap<>();
            boolean oldLagZero = true;
            boolean handedOff = true;
            for (ConsumerGroupListing g : admin.listConsumerGroups().all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(g.groupId())
                        .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (committed.keySet().stream().noneMatch(tp -> tp.topic().equals(topic))) {
                    continue;
                }
                Map<Integer, Long> oldLag = new TreeMap<>();
                Map<Integer, Long> newLag = new TreeMap<>();
                for (int p = 0; p < count; p++) {
                    OffsetAndMetadata c = committed.get(new TopicPartition(topic, p));
                    long at = c == null ? 0 : c.offset();
                    long lag = Math.max(0, ends.get(p) - at);
                    (p < oldCount ? oldLag : newLag).put(p, lag);
                    if (p < oldCount && lag > 0) {
                        oldLagZero = false;
                    }
                    if (at < fence.getOrDefault(p, 0L)) {
                        handedOff = false;
                    }
                }
                groups.put(g.groupId(), Map.of("lagOldRange", oldLag, "lagNewRange", newLag));
            }
            out.put("groups", groups);
            out.put("gates", List.of(
                    Map.of("gate", "expanded", "passed", count >= newPartitions, "detail", count + " of " + newPartitions
                            + " partitions"),
                    Map.of("gate", "old-range-lag-0", "passed", oldLagZero, "detail", "every consumer group consumed"
                            + " partitions 0.." + (oldCount - 1) + " to their end"),
                    Map.of("gate", "handed-off", "passed", handedOff, "detail", "every consumer group passed the last"
                            + " flip's fence on every partition")));
            out.put("oldRoute", oldRoute(route, handedOff, groups.isEmpty()));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            out.put("figuresError", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return out;
    }
}
