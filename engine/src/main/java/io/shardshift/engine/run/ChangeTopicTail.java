package io.shardshift.engine.run;

import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The highest source LSN in a migration's change topics. Capture publishes each partition in LSN order, so the
 * last records of each partition hold its highest; a few are read in case the very last is not a change.
 */
final class ChangeTopicTail {
    private static final int TAIL = 16;

    private ChangeTopicTail() {
    }

    static long highestLsn(MigrationSpec spec, List<TableSchema> tables) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        long highest = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (TableSchema t : tables) {
                List<PartitionInfo> infos = c.partitionsFor(spec.changeTopic(t.id()), Duration.ofSeconds(30));
                if (infos != null) {
                    infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
                }
            }
            c.assign(parts);
            Map<TopicPartition, Long> begin = c.beginningOffsets(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            for (TopicPartition tp : parts) {
                c.seek(tp, Math.max(begin.get(tp), end.get(tp) - TAIL));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read the ends of the change topics of migration " + spec.name());
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        highest = Math.max(highest, ChangeEventCodec.decode(r.value()).position().lsn());
                    }
                }
            }
        }
        return highest;
    }
}
