package io.shardshift.plan.gather;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Measures the change topics: each partition's append rate (its end offset read at both ends of the window)
 * and the apply group's lag on it.
 */
public final class KafkaLoadGatherer {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaLoadGatherer.class);

    private final Admin admin;
    private final Duration timeout;

    /**
     * @param admin   an admin client of the cluster; the caller closes it
     * @param timeout the longest each admin call may take
     */
    public KafkaLoadGatherer(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Watches the topics for {@code window}, then reads the lag of {@code groupId}. Missing topics are listed, not read. */
    public KafkaLoad gather(Collection<String> topics, String groupId, Duration window) throws InterruptedException {
        try {
            Set<String> existing = await(admin.listTopics().names());
            List<String> missing = topics.stream().filter(t -> !existing.contains(t)).toList();
            List<String> present = topics.stream().filter(existing::contains).toList();
            if (present.isEmpty()) {
                return new KafkaLoad(groupId, List.of(), missing, false);
            }
            List<TopicPartition> partitions = new ArrayList<>();
            await(admin.describeTopics(present).allTopicNames()).forEach((name, d) ->
                    d.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
            partitions.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            Map<TopicPartition, Long> startEnds = offsets(partitions, OffsetSpec.latest());
            long startNanos = System.nanoTime();
            LOG.info("Watching {} partition(s) of {} topic(s) for {} s", partitions.size(), present.size(),
                    window.toSeconds());
            Thread.sleep(window.toMillis());
            Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
            double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
            Map<TopicPartition, Long> logStarts = offsets(partitions, OffsetSpec.earliest());
            Map<TopicPartition, OffsetAndMetadata> committed =
                    await(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata());
            List<PartitionLoad> loads = new ArrayList<>();
            boolean anyCommitted = false;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                anyCommitted |= c != null;
                long end = ends.get(tp);
                long consumed = c != null ? c.offset() : logStarts.get(tp);
                loads.add(new PartitionLoad(tp.topic(), tp.partition(), end,
                        Math.max(0, end - startEnds.get(tp)) / seconds, Math.max(0, end - consumed)));
            }
            return new KafkaLoad(groupId, loads, missing, anyCommitted);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the change topics' offsets (group " + groupId + "): "
                    + e.getMessage(), e);
        }
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResultInfo> result = await(admin.listOffsets(request).all());
        Map<TopicPartition, Long> offsets = new HashMap<>();
        result.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    private <T> T await(org.apache.kafka.common.KafkaFuture<T> future)
            throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
