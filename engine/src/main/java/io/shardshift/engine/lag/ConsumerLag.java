package io.shardshift.engine.lag;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
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
        Map<TopicPartition, Long> ends = endOffsets(admin, topics);
        Map<TopicPartition, Long> committed = committedOffsets(admin, groupId);
        Map<TopicPartition, Long> lag = new TreeMap<>((a, b) -> a.topic().equals(b.topic())
                ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
        ends.forEach((tp, end) -> lag.put(tp, Math.max(0, end - committed.getOrDefault(tp, 0L))));
        return lag;
    }

    /** The read-committed end offset of every partition of the given topics. */
    public static Map<TopicPartition, Long> endOffsets(Admin admin, Collection<String> topics) throws InterruptedException {
        return endOffsetsOf(admin, partitions(admin, topics));
    }

    /** Every partition of the given topics (one metadata round trip). */
    public static List<TopicPartition> partitions(Admin admin, Collection<String> topics) throws InterruptedException {
        try {
            List<TopicPartition> out = new ArrayList<>();
            admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> out.add(new TopicPartition(name, p.partition()))));
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topics " + topics + ": " + e.getMessage(), e);
        }
    }

    /** The read-committed end offset of the given partitions (one round trip, no metadata lookup). */
    public static Map<TopicPartition, Long> endOffsetsOf(Admin admin, Collection<TopicPartition> partitions)
            throws InterruptedException {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(10, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read end offsets of " + partitions + ": " + e.getMessage(), e);
        }
    }

    /** The offsets a consumer group has committed, per partition (partitions without a commit are absent). */
    public static Map<TopicPartition, Long> committedOffsets(Admin admin, String groupId) throws InterruptedException {
        try {
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .forEach((tp, om) -> {
                        if (om != null) {
                            out.put(tp, om.offset());
                        }
                    });
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the offsets of group " + groupId + ": " + e.getMessage(), e);
        }
    }

    /**
     * The offsets a consumer group has committed on the given partitions only (partitions without a commit
     * are absent): a smaller answer than {@link #committedOffsets(Admin, String)} when the group reads more.
     */
    public static Map<TopicPartition, Long> committedOffsets(Admin admin, String groupId, Collection<TopicPartition> partitions)
            throws InterruptedException {
        try {
            Map<TopicPartition, Long> out = new HashMap<>();
            ListConsumerGroupOffsetsSpec spec = new ListConsumerGroupOffsetsSpec().topicPartitions(partitions);
            admin.listConsumerGroupOffsets(Map.of(groupId, spec)).partitionsToOffsetAndMetadata(groupId)
                    .get(10, TimeUnit.SECONDS).forEach((tp, om) -> {
                        if (om != null) {
                            out.put(tp, om.offset());
                        }
                    });
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the offsets of group " + groupId + ": " + e.getMessage(), e);
        }
    }

    /** The sum of the lags. */
    public static long total(Map<TopicPartition, Long> lag) {
        return lag.values().stream().mapToLong(Long::longValue).sum();
    }
}
