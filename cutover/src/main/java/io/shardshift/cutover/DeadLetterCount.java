package io.shardshift.cutover;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The records on the dead-letter topic, counted from the broker (sum over partitions of end offset minus start
 * offset), not from what this process published: a dead letter published before a restart still blocks cutover.
 * A letter is dealt with once an operator removes it from the topic (delete-records up to it, or recreate the
 * topic); a missing topic counts 0. Each {@link #getAsLong()} asks the broker; a failure throws, so the gate fails.
 */
public final class DeadLetterCount implements LongSupplier, AutoCloseable {
    private final Admin admin;
    private final String topic;
    private final Duration timeout;

    private DeadLetterCount(Admin admin, String topic, Duration timeout) {
        this.admin = admin;
        this.topic = topic;
        this.timeout = timeout;
    }

    /** Counts the records of {@code topic} on the cluster at {@code bootstrapServers}. */
    public static DeadLetterCount of(String bootstrapServers, String topic, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "shardshift-dlq-count-" + topic);
        return new DeadLetterCount(Admin.create(p), topic, timeout);
    }

    /** The records between the start and the end offsets, summed over the partitions both maps name. */
    static long records(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {
        long n = 0;
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            n += Math.max(0, e.getValue() - start.getOrDefault(e.getKey(), e.getValue()));
        }
        return n;
    }

    @Override
    public long getAsLong() {
        try {
            TopicDescription d;
            try {
                d = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(timeout.toMillis(),
                        TimeUnit.MILLISECONDS).get(topic);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return 0;
                }
                throw e;
            }
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            d.partitions().forEach(p -> {
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            });
            return records(offsets(earliest), offsets(latest));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting the dead letters on " + topic, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot count the dead letters on " + topic + ": " + e.getMessage(), e);
        }
    }

    private Map<TopicPartition, Long> offsets(Map<TopicPartition, OffsetSpec> specs) throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(specs).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
