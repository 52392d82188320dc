package io.shardshift.engine.topology;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes dead letters to a Kafka topic with an idempotent producer ({@code acks=all}), one synchronous
 * send per letter. The record keeps the original key and value; headers say why and where from:
 * {@value #REASON}, {@value #SOURCE_TOPIC}, {@value #SOURCE_PARTITION}, {@value #SOURCE_OFFSET} and, when a
 * target rejected it, {@value #TARGET}. Thread-safe: stream threads share one publisher.
 */
public final class KafkaDeadLetterPublisher implements DeadLetterPublisher {
    /** Header: why the record could not be applied. */
    public static final String REASON = "shardshift.dlq.reason";
    /** Header: the change topic the record was read from. */
    public static final String SOURCE_TOPIC = "shardshift.dlq.topic";
    /** Header: its partition, in decimal. */
    public static final String SOURCE_PARTITION = "shardshift.dlq.partition";
    /** Header: its offset, in decimal. */
    public static final String SOURCE_OFFSET = "shardshift.dlq.offset";
    /** Header: the target that rejected it; absent when it could not be decoded or routed. */
    public static final String TARGET = "shardshift.dlq.target";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeadLetterPublisher.class);
    private static final int MAX_REASON_CHARS = 4096;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Duration sendTimeout;
    private final AtomicLong published = new AtomicLong();

    /**
     * Creates a publisher with its own producer.
     *
     * @param bootstrapServers the Kafka cluster
     * @param topic            the dead-letter topic ({@code MigrationSpec.deadLetterTopic()})
     * @param extraConfig      more producer settings (security, say); may be empty
     */
    public static KafkaDeadLetterPublisher create(String bootstrapServers, String topic, Map<String, Object> extraConfig) {
        Map<String, Object> config = new HashMap<>(extraConfig);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "shardshift-dlq-" + topic);
        return new KafkaDeadLetterPublisher(
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()), topic,
                Duration.ofSeconds(60));
    }

    /**
     * Creates a publisher over a given producer, which it closes on {@link #close()}.
     *
     * @param sendTimeout how long one send may take before it fails
     */
    public KafkaDeadLetterPublisher(Producer<byte[], byte[]> producer, String topic, Duration sendTimeout) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.sendTimeout = Objects.requireNonNull(sendTimeout, "sendTimeout");
    }

    @Override
    public void publish(DeadLetter letter) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, utf8(truncate(letter.reason())));
        headers.add(SOURCE_TOPIC, utf8(letter.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(letter.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(letter.offset())));
        if (letter.target() != null) {
            headers.add(TARGET, utf8(letter.target()));
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, letter.key(), letter.value(), headers);
        try {
            producer.send(record).get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadLetterException("interrupted while sending dead letter of " + letter.origin() + " to " + topic, e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new DeadLetterException("cannot send dead letter of " + letter.origin() + " to " + topic + ": " + cause, cause);
        }
        published.incrementAndGet();
        LOG.warn("Dead letter {} sent to {}{}: {}", letter.origin(), topic,
                letter.target() == null ? "" : " (target " + letter.target() + ")", letter.reason());
    }

    @Override
    public long published() {
        return published.get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    private static String truncate(String reason) {
        return reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) + "..." : reason;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
