package io.shardshift.client.shadow;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Publishes agreement records to {@code <prefix>.shadow} (key: the table or collection, value: the record's JSON),
 * asynchronously; a send that fails is counted and reported to the error listener, never thrown at the reader.
 */
public final class KafkaShadowSink implements ShadowSink {
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final Consumer<String> errors;
    private final AtomicLong failed = new AtomicLong();

    /**
     * @param extraProducerConfig more producer settings (security, client.id)
     * @param errors              told of each failed send
     */
    public KafkaShadowSink(String bootstrapServers, String topic, Map<String, Object> extraProducerConfig,
                           Consumer<String> errors) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        p.putAll(extraProducerConfig);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.topic = topic;
        this.errors = errors;
    }

    @Override
    public void publish(ShadowRecord record) {
        producer.send(new ProducerRecord<>(topic, record.table(), record.toJson()), (md, e) -> {
            if (e != null) {
                failed.incrementAndGet();
                errors.accept("cannot publish shadow record " + record.readId() + " to " + topic + ": " + e.getMessage());
            }
        });
    }

    /** Sends that failed. */
    public long failed() {
        return failed.get();
    }

    /** Sends what is buffered and waits for the acknowledgements. */
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
