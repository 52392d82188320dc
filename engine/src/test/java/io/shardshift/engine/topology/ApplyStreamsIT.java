package io.shardshift.engine.topology;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.devstack.DevKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The apply topology on a real Kafka broker, exactly-once, with the Kafka dead-letter publisher. */
@Timeout(180)
class ApplyStreamsIT {
    static DevKafka kafka;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startKafka() {
        kafka = DevKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static MigrationSpec spec(String name) {
        return SpecLoader.parse("""
                name: %s
                source: {jdbcUrl: "jdbc:postgresql://localhost:5432/app", user: shardshift}
                tables: [{name: public.orders}]
                kafka: {bootstrapServers: "%s", partitions: 2}
                targets:
                  - {name: pg_a, jdbcUrl: "jdbc:postgresql://a:5432/app", user: app}
                  - {name: pg_b, jdbcUrl: "jdbc:postgresql://b:5432/app", user: app}
                layout: {shardKey: tenant_id, buckets: 16, targets: [pg_a, pg_b]}
                apply: {threads: 1}
                """.formatted(name, kafka.bootstrapServers()), Map.of());
    }

    static void produce(String topic, List<byte[][]> records) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (byte[][] kv : records) {
                producer.send(new ProducerRecord<>(topic, kv[0], kv[1]));
            }
            producer.flush();
        }
    }

    static byte[][] record(ChangeEvent e) {
        return new byte[][] {ChangeEventCodec.encodeKey(e.keyValues()), ChangeEventCodec.encode(e)};
    }

    static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + topic, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= expected;
            });
        }
        return out;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldApplyEveryChangeAndDeadLetterPoisonBeforeCommittingItsOffset() throws Exception {
        MigrationSpec spec = spec("it_apply");
        String topic = spec.changeTopic(spec.tableIds().get(0));
        kafka.createTopic(topic, 2);
        kafka.createTopic(spec.deadLetterTopic(), 1);
        List<byte[][]> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            records.add(record(Orders.insert(Integer.toString(i), "tenant-" + (i % 7), "1.00", 1000 + i)));
        }
        byte[] poison = "{not json".getBytes(StandardCharsets.UTF_8);
        records.add(new byte[][] {"[\"poison\"]".getBytes(StandardCharsets.UTF_8), poison});
        for (int i = 0; i < 40; i++) {
            records.add(record(Orders.update(Integer.toString(i), "tenant-" + (i % 7), "2.00", 2000 + i)));
        }
        produce(topic, records);

        RecordingSinks sinks = new RecordingSinks();
        ApplyMetrics metrics = new ApplyMetrics();
        AtomicReference<Throwable> fatal = new AtomicReference<>();
        // Batches never fill and the flush timer never fires: only the pre-commit hook writes.
        ApplyTopologyConfig config = ApplyTopologyConfig.from(spec).withBatchSize(10_000).withFlushInterval(Duration.ofHours(1));
        try (KafkaDeadLetterPublisher dlq = KafkaDeadLetterPublisher.create(kafka.bootstrapServers(), spec.deadLetterTopic(), Map.of());
             ApplyStreams apply = ApplyStreams.start(ApplyTopology.build(config, sinks, dlq, metrics),
                     ApplyStreams.config(spec, stateDir), fatal::set)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> sinks.rowCount() == 40
                    && metrics.snapshot().values().stream().mapToLong(ApplyMetrics.TargetStats::eventsApplied).sum() == 80);
            await().atMost(Duration.ofSeconds(30)).until(() -> dlq.published() == 1);
            for (int i = 0; i < 40; i++) {
                assertThat(sinks.holdersOf(Integer.toString(i))).containsExactly(spec.routing().targetFor("tenant-" + (i % 7)));
            }
            assertThat(apply.failure()).isEmpty();
            assertThat(apply.close(Duration.ofSeconds(60))).isTrue();
        }

        assertThat(fatal.get()).isNull();
        assertThat(sinks.targets().values()).allSatisfy(t -> assertThat(t.rows.values())
                .allSatisfy(row -> assertThat(row).containsEntry("total", "2.00")));
        ConsumerRecord<byte[], byte[]> letter = readAll(spec.deadLetterTopic(), 1).get(0);
        assertThat(letter.value()).isEqualTo(poison);
        assertThat(header(letter, KafkaDeadLetterPublisher.SOURCE_TOPIC)).isEqualTo(topic);
        assertThat(header(letter, KafkaDeadLetterPublisher.REASON)).contains("not valid JSON");
        assertThat(committedEqualsEnd(ApplyStreams.applicationId(spec), topic)).isTrue();
    }

    @Test
    void shouldShutDownTheClientAndReportWhenATargetFails() {
        MigrationSpec spec = spec("it_failing");
        String topic = spec.changeTopic(spec.tableIds().get(0));
        kafka.createTopic(topic, 1);
        produce(topic, List.<byte[][]>of(record(Orders.insert("1", "acme", "1.00", 100))));
        RecordingSinks sinks = new RecordingSinks().failing("connection refused after 5 retries");
        AtomicReference<Throwable> fatal = new AtomicReference<>();

        try (ApplyStreams apply = ApplyStreams.start(ApplyTopology.build(ApplyTopologyConfig.from(spec), sinks,
                new RecordingDeadLetters()), ApplyStreams.config(spec, stateDir), fatal::set)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> fatal.get() != null);
            await().atMost(Duration.ofSeconds(60)).until(() -> apply.state() == KafkaStreams.State.ERROR
                    || apply.state() == KafkaStreams.State.NOT_RUNNING);
            assertThat(apply.failure()).containsSame(fatal.get());
        }
        assertThat(rootCause(fatal.get())).isInstanceOf(SinkException.class).hasMessageContaining("connection refused");
        assertThat(sinks.rowCount()).isZero();
    }

    static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    static boolean committedEqualsEnd(String groupId, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, Long> committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                    .get().entrySet().stream().filter(e -> e.getKey().topic().equals(topic))
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            Map<TopicPartition, Long> end = admin.listOffsets(latest).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            return !committed.isEmpty() && committed.equals(end);
        }
    }
}
