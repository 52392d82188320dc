package io.shardshift.engine.topology;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaDeadLetterPublisherTest {
    static final byte[] KEY = "[\"42\"]".getBytes(StandardCharsets.UTF_8);
    static final byte[] VALUE = "{broken".getBytes(StandardCharsets.UTF_8);

    static String header(ProducerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldSendOriginalBytesWithReasonAndOriginHeaders() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaDeadLetterPublisher publisher = new KafkaDeadLetterPublisher(producer, "shardshift.demo.dlq", Duration.ofSeconds(5));

        publisher.publish(new DeadLetter(KEY, VALUE, "numeric overflow (SQLSTATE 22003)", "changes.orders", 3, 1742L, "pg_b"));
        publisher.publish(new DeadLetter(KEY, VALUE, "not valid JSON", "changes.orders", 1, 7L, null));

        assertThat(publisher.published()).isEqualTo(2);
        ProducerRecord<byte[], byte[]> first = producer.history().get(0);
        assertThat(first.topic()).isEqualTo("shardshift.demo.dlq");
        assertThat(first.key()).isEqualTo(KEY);
        assertThat(first.value()).isEqualTo(VALUE);
        assertThat(header(first, KafkaDeadLetterPublisher.REASON)).isEqualTo("numeric overflow (SQLSTATE 22003)");
        assertThat(header(first, KafkaDeadLetterPublisher.SOURCE_TOPIC)).isEqualTo("changes.orders");
        assertThat(header(first, KafkaDeadLetterPublisher.SOURCE_PARTITION)).isEqualTo("3");
        assertThat(header(first, KafkaDeadLetterPublisher.SOURCE_OFFSET)).isEqualTo("1742");
        assertThat(header(first, KafkaDeadLetterPublisher.TARGET)).isEqualTo("pg_b");
        assertThat(header(producer.history().get(1), KafkaDeadLetterPublisher.TARGET)).isNull();
    }

    @Test
    void shouldFailNamingTheOriginWhenTheSendFails() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        producer.sendException = new KafkaException("broker unavailable");
        KafkaDeadLetterPublisher publisher = new KafkaDeadLetterPublisher(producer, "dlq", Duration.ofSeconds(5));

        assertThatThrownBy(() -> publisher.publish(new DeadLetter(KEY, VALUE, "bad", "changes.orders", 2, 9L, null)))
                .isInstanceOf(DeadLetterException.class)
                .hasMessageContaining("changes.orders-2@9").hasMessageContaining("broker unavailable");
        assertThat(publisher.published()).isZero();
    }

    @Test
    void shouldFailWhenTheBrokerDoesNotAcknowledgeInTime() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaDeadLetterPublisher publisher = new KafkaDeadLetterPublisher(producer, "dlq", Duration.ofMillis(50));

        assertThatThrownBy(() -> publisher.publish(new DeadLetter(KEY, VALUE, "bad", "changes.orders", 0, 1L, "pg_a")))
                .isInstanceOf(DeadLetterException.class).hasMessageContaining("changes.orders-0@1");
        assertThat(publisher.published()).isZero();
    }
}
