package io.shardshift.cdc;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.event.Operation;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.devstack.DevKafka;
import io.shardshift.devstack.DevPostgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static io.shardshift.cdc.CdcTestSupport.spec;
import static io.shardshift.cdc.CdcTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(240)
class ChangeCaptureIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static DevPostgres pg;
    private static DevKafka kafka;

    @BeforeAll
    static void startServers() {
        pg = DevPostgres.start();
        kafka = DevKafka.start();
        pg.createDatabase("app");
        sql(pg, "app",
                "CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id text NOT NULL, note text, amount numeric(12,2),"
                        + " payload bytea, day date, at timestamp, big text)",
                "ALTER TABLE orders REPLICA IDENTITY FULL",
                "CREATE TABLE items (tenant_id text, id int, PRIMARY KEY (tenant_id, id))",
                "ALTER TABLE items REPLICA IDENTITY FULL",
                "CREATE TABLE events (id int PRIMARY KEY, tenant_id text, v int)",
                "ALTER TABLE events REPLICA IDENTITY FULL");
    }

    @AfterAll
    static void stopServers() {
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void shouldPublishInsertsUpdatesAndDeletesInOrderPerKeyToEachTablesTopic() throws Exception {
        MigrationSpec spec = spec("cap", pg, "app", kafka.bootstrapServers(), List.of("orders", "items"));
        List<TableSchema> schemas = SourcePreflight.check(spec);
        ReplicationSetup.ensure(spec);
        String big = "x".repeat(20_000) + "tail";

        try (ChangeCapture capture = ChangeCapture.start(spec, schemas, CaptureOptions.defaults())) {
            assertThat(capture.awaitRunning(WAIT)).isTrue();
            sql(pg, "app",
                    "INSERT INTO orders SELECT g, 'acme', 'n' || g, g * 1.5, '\\x00ff'::bytea, '2024-03-01',"
                            + " '2024-03-01 10:15:30.25', NULL FROM generate_series(1, 20) g",
                    "INSERT INTO orders VALUES (100, 'globex', 'toast', 1, NULL, NULL, NULL, repeat('x', 20000) || 'tail')",
                    "UPDATE orders SET note = 'second' WHERE id <= 10",
                    "UPDATE orders SET note = 'third' WHERE id <= 5",
                    "UPDATE orders SET note = 'toast updated' WHERE id = 100",
                    "DELETE FROM orders WHERE id IN (2, 4)",
                    "INSERT INTO items VALUES ('acme', 1), ('acme', 2)",
                    "DELETE FROM items WHERE id = 2");

            List<ChangeEvent> orders = consume(spec.changeTopic(TableId.parse("orders")), 20 + 1 + 10 + 5 + 1 + 2);
            List<ChangeEvent> items = consume(spec.changeTopic(TableId.parse("items")), 3);

            Map<String, List<ChangeEvent>> byKey = byKey(orders);
            assertThat(byKey.get("[\"1\"]")).extracting(ChangeEvent::op)
                    .containsExactly(Operation.CREATE, Operation.UPDATE, Operation.UPDATE);
            assertThat(byKey.get("[\"1\"]").get(2).after()).containsEntry("note", "third");
            assertThat(byKey.get("[\"2\"]")).extracting(ChangeEvent::op)
                    .containsExactly(Operation.CREATE, Operation.UPDATE, Operation.UPDATE, Operation.DELETE);
            ChangeEvent delete = byKey.get("[\"2\"]").get(3);
            assertThat(delete.after()).isNull();
            assertThat(delete.before()).containsEntry("tenant_id", "acme").containsEntry("note", "third");
            byKey.values().forEach(ChangeCaptureIT::assertIncreasingLsn);

            ChangeEvent first = byKey.get("[\"3\"]").get(0);
            assertThat(first.after()).containsEntry("amount", "4.50").containsEntry("payload", "\\x00ff")
                    .containsEntry("day", "2024-03-01").containsEntry("at", "2024-03-01 10:15:30.25")
                    .containsEntry("big", null);
            assertThat(first.position().snapshot()).isFalse();
            assertThat(first.position().txId()).isPositive();
            assertThat(first.position().commitMillis()).isPositive();

            ChangeEvent toastUpdate = byKey.get("[\"100\"]").get(1);
            assertThat(toastUpdate.after()).containsEntry("note", "toast updated").containsEntry("big", big);

            assertThat(items).extracting(ChangeEvent::op)
                    .containsExactly(Operation.CREATE, Operation.CREATE, Operation.DELETE);
            assertThat(items).extracting(ChangeEvent::keyValues)
                    .containsExactly(List.of("acme", "1"), List.of("acme", "2"), List.of("acme", "2"));

            await().atMost(WAIT).until(() -> capture.publishedCount() == orders.size() + items.size());
            long maxLsn = orders.stream().mapToLong(e -> e.position().lsn()).max().orElseThrow();
            assertThat(capture.lastPublishedLsn()).isGreaterThanOrEqualTo(maxLsn);
            assertThat(capture.state()).isEqualTo(ChangeCapture.State.RUNNING);
        } finally {
            ReplicationSetup.drop(spec);
        }
    }

    @Test
    void shouldResumeWithoutGapAfterRestart() throws Exception {
        MigrationSpec spec = spec("restart", pg, "app", kafka.bootstrapServers(), List.of("events"));
        List<TableSchema> schemas = SourcePreflight.check(spec);
        ReplicationSetup.ensure(spec);
        String topic = spec.changeTopic(TableId.parse("events"));
        try {
            try (ChangeCapture capture = ChangeCapture.start(spec, schemas, CaptureOptions.defaults())) {
                assertThat(capture.awaitRunning(WAIT)).isTrue();
                sql(pg, "app", "INSERT INTO events SELECT g, 't', 0 FROM generate_series(1, 50) g");
                await().atMost(WAIT).until(() -> capture.publishedCount() >= 50);
            }
            assertThat(recordCount(spec.topicPrefix() + ".offsets")).as("positions stored in Kafka").isPositive();
            sql(pg, "app",
                    "INSERT INTO events SELECT g, 't', 0 FROM generate_series(51, 100) g",
                    "UPDATE events SET v = 1 WHERE id <= 10",
                    "DELETE FROM events WHERE id = 100");

            try (ChangeCapture capture = ChangeCapture.start(spec, schemas, CaptureOptions.defaults())) {
                assertThat(capture.awaitRunning(WAIT)).isTrue();
                sql(pg, "app", "UPDATE events SET v = 2 WHERE id = 1");

                List<ChangeEvent> events = consumeUntil(topic, all -> all.stream()
                        .anyMatch(e -> e.key().get("id").equals("1") && "2".equals(e.after() == null ? null : e.after().get("v"))));

                Map<String, List<ChangeEvent>> byKey = byKey(dedupe(events));
                assertThat(byKey).hasSize(100);
                for (int id = 1; id <= 100; id++) {
                    List<Operation> ops = byKey.get("[\"" + id + "\"]").stream().map(ChangeEvent::op).toList();
                    List<Operation> expected = id == 1 ? List.of(Operation.CREATE, Operation.UPDATE, Operation.UPDATE)
                            : id <= 10 ? List.of(Operation.CREATE, Operation.UPDATE)
                            : id == 100 ? List.of(Operation.CREATE, Operation.DELETE) : List.of(Operation.CREATE);
                    assertThat(ops).as("changes of id %d", id).isEqualTo(expected);
                }
                byKey.values().forEach(ChangeCaptureIT::assertIncreasingLsn);
            }
        } finally {
            ReplicationSetup.drop(spec);
        }
    }

    @Test
    void shouldReportEngineFailureInsteadOfSwallowingIt() throws Exception {
        MigrationSpec spec = spec("failing", pg, "app", kafka.bootstrapServers(), List.of("events"));
        List<TableSchema> schemas = SourcePreflight.check(spec);
        ReplicationSetup.ensure(spec);
        AtomicReference<Throwable> reported = new AtomicReference<>();
        CaptureOptions options = new CaptureOptions(Duration.ofSeconds(1), Duration.ofSeconds(1), reported::set,
                Map.of("database.password", "wrong-password"));
        try (ChangeCapture capture = ChangeCapture.start(spec, schemas, options)) {
            await().atMost(WAIT).until(() -> capture.state() == ChangeCapture.State.FAILED);

            assertThat(capture.failure()).isPresent();
            assertThat(reported.get()).isSameAs(capture.failure().get());
            assertThat(capture.awaitRunning(Duration.ofMillis(10))).isFalse();
        } finally {
            ReplicationSetup.drop(spec);
        }
    }

    @Test
    void shouldStopWithoutCommittingAChangeKafkaRefusedAndPublishItAfterARestart() throws Exception {
        sql(pg, "app", "CREATE TABLE acks (id int PRIMARY KEY, tenant_id text, note text)",
                "ALTER TABLE acks REPLICA IDENTITY FULL");
        MigrationSpec spec = spec("acks", pg, "app", kafka.bootstrapServers(), List.of("acks"));
        List<TableSchema> schemas = SourcePreflight.check(spec);
        ReplicationSetup.ensure(spec);
        String topic = spec.changeTopic(TableId.parse("acks"));
        AtomicReference<Throwable> reported = new AtomicReference<>();
        try {
            try (ChangeCapture capture = ChangeCapture.start(spec, schemas, CaptureOptions.defaults().withOnFailure(reported::set))) {
                assertThat(capture.awaitRunning(WAIT)).isTrue();
                setMaxMessageBytes(topic, "64");
                sql(pg, "app", "INSERT INTO acks VALUES (1, 't', 'refused by Kafka: larger than the topic allows')");

                await().atMost(WAIT).until(() -> capture.state() == ChangeCapture.State.FAILED);
                assertThat(capture.failure()).hasValueSatisfying(e -> assertThat(e).hasMessageContaining("to Kafka failed"));
                assertThat(reported.get()).isSameAs(capture.failure().get());
                assertThat(capture.publishedCount()).isZero();
            }
            setMaxMessageBytes(topic, "1048588");
            try (ChangeCapture capture = ChangeCapture.start(spec, schemas, CaptureOptions.defaults())) {
                assertThat(capture.awaitRunning(WAIT)).isTrue();
                sql(pg, "app", "INSERT INTO acks VALUES (2, 't', 'after the restart')");

                List<ChangeEvent> events = consumeUntil(topic, all -> all.stream().anyMatch(e -> e.key().get("id").equals("2")));
                assertThat(dedupe(events)).extracting(e -> e.key().get("id")).containsExactly("1", "2");
            }
        } finally {
            ReplicationSetup.drop(spec);
        }
    }

    private static void setMaxMessageBytes(String topic, String bytes) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, bytes), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void assertIncreasingLsn(List<ChangeEvent> changes) {
        for (int i = 1; i < changes.size(); i++) {
            assertThat(changes.get(i).position().lsn())
                    .as("LSN of change %d of key %s", i, changes.get(i).key())
                    .isGreaterThan(changes.get(i - 1).position().lsn());
        }
    }

    private static Map<String, List<ChangeEvent>> byKey(List<ChangeEvent> events) {
        Map<String, List<ChangeEvent>> out = new LinkedHashMap<>();
        for (ChangeEvent e : events) {
            out.computeIfAbsent(new String(ChangeEventCodec.encodeKey(e.keyValues()), StandardCharsets.UTF_8),
                    k -> new ArrayList<>()).add(e);
        }
        return out;
    }

    /** A restart may republish changes it had not confirmed; drop exact repeats (as the fenced sinks do). */
    private static List<ChangeEvent> dedupe(List<ChangeEvent> events) {
        return events.stream().distinct().toList();
    }

    private static long recordCount(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static List<ChangeEvent> consume(String topic, int expected) {
        List<ChangeEvent> events = consumeUntil(topic, all -> all.size() >= expected);
        assertThat(events).hasSize(expected);
        return events;
    }

    private static List<ChangeEvent> consumeUntil(String topic, Predicate<List<ChangeEvent>> done) {
        List<ChangeEvent> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ChangeEvent e = ChangeEventCodec.decode(r.value());
                    assertThat(r.key()).isEqualTo(ChangeEventCodec.encodeKey(e.keyValues()));
                    events.add(e);
                }
                return done.test(events);
            });
            consumer.poll(Duration.ofMillis(500)).forEach(r -> events.add(ChangeEventCodec.decode(r.value())));
        }
        return events;
    }
}
