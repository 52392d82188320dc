package io.shardshift.plan.gather;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Measures the append rate of every partition of one topic: its end offset read at both ends of a window.
 * (Transaction markers count as records, so a transactional topic reads slightly high.)
 */
public final class TopicRateSampler {
    private final Admin admin;
    private final Duration timeout;

    /**
     * @param admin   an admin client of the cluster; the caller closes it
     * @param timeout the longest each admin call may take
     */
    public TopicRateSampler(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /**
     * Records appended per second to each partition of {@code topic} during {@code window}.
     *
     * @throws IllegalArgumentException when the topic does not exist
     * @throws IllegalStateException    when the cluster does not answer
     */
    public Map<Integer, Double> sample(String topic, Duration window) throws InterruptedException {
        try {
            List<TopicPartition> partitions = await(admin.describeTopics(List.of(topic)).allTopicNames())
                    .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> start = ends(partitions);
            long t0 = System.nanoTime();
            Thread.sleep(window.toMillis());
            Map<TopicPartition, Long> end = ends(partitions);
            double seconds = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
            Map<Integer, Double> rates = new TreeMap<>();
            partitions.forEach(tp -> rates.put(tp.partition(), Math.max(0, end.get(tp) - start.get(tp)) / seconds));
            return rates;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalArgumentException("topic: no topic '" + topic + "' in the cluster");
            }
            throw new IllegalStateException("cannot read the offsets of " + topic + ": " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot read the offsets of " + topic + ": no answer within " + timeout, e);
        }
    }

    private Map<TopicPartition, Long> ends(List<TopicPartition> partitions)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResultInfo> result = await(admin.listOffsets(request).all());
        Map<TopicPartition, Long> offsets = new HashMap<>();
        result.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    private <T> T await(KafkaFuture<T> future) throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
