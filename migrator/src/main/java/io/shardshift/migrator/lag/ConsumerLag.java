package io.shardshift.migrator.lag;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.admin.ListOffsetsOptions;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Kafka consumer lag of the apply group: per partition of the change topics, the end offset minus the
 * group's committed offset. The apply topology commits an offset only after the events before it were
 * written to every target, so a lag of zero means every event on the topics is applied.
 */
public final class ConsumerLag {
    private ConsumerLag() {
    }

    /**
     * Reads the lag of every partition of the given topics.
     *
     * @return partition to lag, sorted by topic and partition
     */
    public static Map<TopicPartition, Long> read(Admin admin, String groupId, Collection<String> topics)
            throws InterruptedException {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin
                    .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, Long> lag = new TreeMap<>((a, b) -> a.topic().equals(b.topic())
                    ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
            ends.forEach((tp, end) -> {
                OffsetAndMetadata c = committed.get(tp);
                lag.put(tp, Math.max(0, end.offset() - (c == null ? 0 : c.offset())));
            });
            return lag;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read consumer lag of group " + groupId + ": " + e.getMessage(), e);
        }
    }

    /** The sum of the lags. */
    public static long total(Map<TopicPartition, Long> lag) {
        return lag.values().stream().mapToLong(Long::longValue).sum();
    }
}
