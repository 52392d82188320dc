package io.shardshift.tools.bench;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.spec.MigrationSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The capture half of the end-to-end latency: a consumer of the change topics in this process takes, for
 * every streamed event, the time from its source commit to the moment it is readable in Kafka. Compared with
 * the end-to-end figure it shows how much of the latency is capture (Debezium and the producer) and how much
 * is apply (Kafka Streams and the PostgreSQL sink).
 */
final class TopicLatency implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Long> millis = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;

    private TopicLatency(KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
        this.thread = new Thread(this::poll, "bench-topic-latency");
        this.thread.setDaemon(true);
    }

    /** Starts reading every change topic of the migration from its current end. */
    static TopicLatency start(MigrationSpec spec) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        List<TopicPartition> partitions = new ArrayList<>();
        for (var table : spec.tableIds()) {
            String topic = spec.changeTopic(table);
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        TopicLatency latency = new TopicLatency(consumer);
        latency.thread.start();
        return latency;
    }

    private void poll() {
        try {
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.currentTimeMillis();
                    if (r.value() == null) {
                        continue;
                    }
                    ChangeEvent e = ChangeEventCodec.decode(r.value());
                    if (!e.position().snapshot()) {
                        synchronized (millis) {
                            millis.add(Math.max(0, now - e.position().commitMillis()));
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            failure.set(e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Events seen so far. */
    int seen() {
        synchronized (millis) {
            return millis.size();
        }
    }

    /** Stops reading and returns the percentiles of what was seen. */
    Percentiles stop() throws InterruptedException {
        running.set(false);
        thread.join(Duration.ofSeconds(30).toMillis());
        if (failure.get() != null) {
            throw new IllegalStateException("reading the change topics failed: " + failure.get().getMessage(), failure.get());
        }
        synchronized (millis) {
            return Percentiles.of(millis);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (running.get()) {
            stop();
        }
    }
}
