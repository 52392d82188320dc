package io.shardshift.engine.lag;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.engine.topology.ApplyGroup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * How long the oldest change not yet applied has waited on the change topics, whichever process of the migration
 * applies it: per {@linkplain ApplyGroup apply group}, each partition whose committed offset is behind its end is
 * read at that offset, and the record's timestamp (when capture published it) gives its age. This is the apply lag
 * in time when the apply runs in several processes, where one process's own figures cover only its partitions.
 */
public final class OldestWaiting implements AutoCloseable {
    /** How long one reading may wait for the records it reads. */
    private static final Duration READ_FOR = Duration.ofSeconds(2);

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ApplyGroup> groups;

    public OldestWaiting(MigrationSpec spec) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        this.admin = Admin.create(p);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.groups = ApplyGroup.of(spec);
    }

    /**
     * The age in milliseconds at {@code nowMillis} of the oldest change some apply group has not committed; 0 when
     * every group is at the end of its topics.
     */
    public synchronized long ageMillis(long nowMillis) throws InterruptedException {
        Map<TopicPartition, Long> oldest = new HashMap<>();
        Map<TopicPartition, Long> allEnds = new HashMap<>();
        for (ApplyGroup group : groups) {
            Map<TopicPartition, Long> ends = ConsumerLag.endOffsets(admin, group.topics());
            allEnds.putAll(ends);
            Map<TopicPartition, Long> committed = ConsumerLag.committedOffsets(admin, group.applicationId(), ends.keySet());
            ends.forEach((tp, end) -> {
                long at = committed.getOrDefault(tp, 0L);
                if (at < end) {
                    oldest.merge(tp, at, Math::min);
                }
            });
        }
        if (oldest.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, Long> timestamps = read(oldest, allEnds);
        return timestamps.values().stream().mapToLong(ts -> Math.max(0, nowMillis - ts)).max().orElse(0);
    }

    /** The timestamp of the first record at or after each offset (partitions holding only markers are left out). */
    private Map<TopicPartition, Long> read(Map<TopicPartition, Long> offsets, Map<TopicPartition, Long> ends) {
        consumer.assign(offsets.keySet());
        offsets.forEach(consumer::seek);
        Map<TopicPartition, Long> out = new HashMap<>();
        long deadline = System.nanoTime() + READ_FOR.toNanos();
        while (out.size() < offsets.size() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                out.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.timestamp());
            }
            offsets.keySet().forEach(tp -> {
                if (!out.containsKey(tp) && consumer.position(tp) >= ends.get(tp)) {
                    out.put(tp, Long.MAX_VALUE); // only transaction markers up to the end: nothing waits
                }
            });
        }
        out.values().removeIf(ts -> ts == Long.MAX_VALUE);
        return out;
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
