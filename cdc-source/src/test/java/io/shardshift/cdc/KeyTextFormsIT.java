package io.shardshift.cdc;

import io.shardshift.core.copy.CopyText;
import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.event.Operation;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.devstack.DevKafka;
import io.shardshift.devstack.DevPostgres;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import static io.shardshift.cdc.CdcTestSupport.spec;
import static io.shardshift.cdc.CdcTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The key text of one value must be the same whether it comes from the backfill ({@code COPY ... TO STDOUT}
 * read by {@link SnapshotReader}) or from the stream (a real pgoutput change converted by Debezium and
 * {@code DebeziumEventConverter}): tombstones, routing, verification and document ids compare or hash it.
 * Runs in a JVM whose default time zone is not UTC, as an application server's often is.
 */
@Timeout(240)
class KeyTextFormsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Column, type, then one SQL literal per row. */
    private static final String[][] COLUMNS = {
            {"tz", "timestamptz", "'2024-03-01 10:15:30.123456+00'", "'2024-03-01 10:15:30+05'", "'1999-12-31 23:59:59.5-08'", "'2024-01-01 00:00:00+00'"},
            {"ts", "timestamp", "'2024-03-01 10:15:30.123456'", "'infinity'", "'1999-12-31 23:59:59.5'", "'0044-03-15 10:00:00 BC'"},
            {"ts3", "timestamp(3)", "'2024-03-01 10:15:30.123'", "'2024-03-01 00:00:00'", "'1999-12-31 23:59:59.5'", "'2000-01-01 00:00:00.001'"},
            {"b", "boolean", "true", "false", "true", "false"},
            {"f4", "real", "1.5", "0.1", "1e20", "123456789"},
            {"f8", "double precision", "0.1", "1e20", "100", "1.5e-5"},
            {"f8b", "double precision", "123456789012345", "1e15", "0.0001", "-2.5"},
            {"iv", "interval", "'1 year 2 mons 3 days 04:05:06.78'", "'-1 days +30:00:00'", "'00:00:00'", "'-1 year -2 mons +3 days -04:05:06'"},
            {"n", "numeric", "1.50", "100", "0.000001", "-12345678901234567890.123"},
            {"n2", "numeric(10,2)", "1.5", "7", "0", "-3.25"},
            {"u", "uuid", "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12'", "'00000000-0000-0000-0000-000000000000'", "'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'"},
            {"ia", "int[]", "'{1,2,3}'", "'{}'", "'{{-1,NULL},{2,3}}'", "'[0:1]={1,NULL}'"},
            {"ta", "text[]", "'{\"a b\",\"c,d\",NULL,\"\"}'", "'{x}'", "'{\"q\\\"uote\"}'", "'{null}'"},
            {"ba", "boolean[]", "'{t,f}'", "'{t}'", "'{f}'", "'{}'"},
            {"tsa", "timestamp[]", "'{\"2024-03-01 10:15:30\"}'", "'{}'", "'{\"0044-03-15 10:00:00 BC\",infinity}'", "'{}'"},
            {"tza", "timestamptz[]", "'{\"2024-03-01 10:15:30+00\"}'", "'{{infinity,NULL},{-infinity,\"0044-03-15 10:00:00.5+00 BC\"}}'", "'{\"1999-12-31 23:59:59.5-08\"}'", "'{}'"},
            {"d", "date", "'2024-03-01'", "'infinity'", "'-infinity'", "'0044-03-15 BC'"},
            {"t", "time", "'10:15:30.5'", "'24:00:00'", "'23:59:59.999999'", "'12:00:00.000001'"},
            {"t3", "time(3)", "'10:15:30.5'", "'00:00:00'", "'23:59:59.999'", "'12:00:00.001'"},
            {"by", "bytea", "'\\x00ff'", "''", "'\\x4142'", "'\\xdeadbeef'"},
            {"tx", "text", "'hello world'", "''", "'tab\there'", "'ünïcode'"},
            {"i", "int", "1", "-2147483648", "0", "42"},
            {"bi", "bigint", "1", "9223372036854775807", "-1", "42"},
            {"vc", "varchar(10)", "'a'", "'b b'", "''", "'x'"},
    };
    private static final int ROWS = COLUMNS[0].length - 2;

    private static DevPostgres pg;
    private static DevKafka kafka;
    private static TimeZone jvmZone;

    @BeforeAll
    static void startServers() {
        jvmZone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
        pg = DevPostgres.start();
        kafka = DevKafka.start();
        pg.createDatabase("app");
        StringBuilder ddl = new StringBuilder("CREATE TABLE forms (id int PRIMARY KEY, tenant_id text");
        for (String[] c : COLUMNS) {
            ddl.append(", ").append(c[0]).append(' ').append(c[1]);
        }
        sql(pg, "app", ddl.append(')').toString(), "ALTER TABLE forms REPLICA IDENTITY FULL",
                "CREATE TABLE ck (tz timestamptz, n numeric, u uuid, b boolean, f8 float8, iv interval, tenant_id text,"
                        + " PRIMARY KEY (tz, n, u, b, f8, iv))",
                "ALTER TABLE ck REPLICA IDENTITY FULL");
    }

    @AfterAll
    static void stopServers() {
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
        TimeZone.setDefault(jvmZone);
    }

    @Test
    void shouldGiveTheSameTextForEveryTypeFromBackfillAndStream() throws Exception {
        MigrationSpec spec = spec("forms", pg, "app", kafka.bootstrapServers(), List.of("forms", "ck"));
        List<TableSchema> schemas = SourcePreflight.check(spec);
        ReplicationSetup.ensure(spec);
        try (ChangeCapture capture = ChangeCapture.start(spec, schemas, CaptureOptions.defaults())) {
            assertThat(capture.awaitRunning(WAIT)).isTrue();
            List<String> inserts = new ArrayList<>();
            for (int r = 0; r < ROWS; r++) {
                StringBuilder values = new StringBuilder("INSERT INTO forms VALUES (" + r + ", 'acme'");
                for (String[] c : COLUMNS) {
                    values.append(", ").append(c[r + 2]);
                }
                inserts.add(values.append(')').toString());
            }
            inserts.add("INSERT INTO ck VALUES ('2024-03-01 10:15:30.5+02', 1.50, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',"
                    + " true, 1e20, '1 day 02:00:00', 'acme'), ('1999-12-31 23:59:59-08', 0.10, 'a0eebc99-9c0b-4ef8-bb6d-"
                    + "6bb9bd380a12', false, 0.1, '-1 mons', 'acme')");
            sql(pg, "app", inserts.toArray(String[]::new));

            Map<String, Map<String, String>> backfill = backfill(spec, schemas.get(0));
            Map<String, Map<String, String>> backfillKeys = backfill(spec, schemas.get(1));
            sql(pg, "app", "DELETE FROM ck");

            List<ChangeEvent> stream = consume(spec.changeTopic(TableId.parse("forms")), ROWS);
            List<ChangeEvent> ckStream = consume(spec.changeTopic(TableId.parse("ck")), 4);

            Map<String, String> differences = new TreeMap<>();
            for (ChangeEvent e : stream) {
                Map<String, String> copied = backfill.get(e.key().get("id"));
                for (String[] c : COLUMNS) {
                    String streamed = e.after().get(c[0]);
                    if (!java.util.Objects.equals(streamed, copied.get(c[0]))) {
                        differences.put(c[0] + " (" + c[1] + ") row " + e.key().get("id"),
                                "stream=" + streamed + " backfill=" + copied.get(c[0]));
                    }
                }
            }
            List<List<String>> deletedKeys = ckStream.stream().filter(e -> e.op() == Operation.DELETE)
                    .map(ChangeEvent::keyValues).toList();
            List<List<String>> copiedKeys = backfillKeys.values().stream()
                    .map(row -> List.of(row.get("tz"), row.get("n"), row.get("u"), row.get("b"), row.get("f8"), row.get("iv")))
                    .toList();
            differences.forEach((k, v) -> System.out.println("KEYTEXT DIFF " + k + ": " + v));
            System.out.println("KEYTEXT composite stream=" + deletedKeys + " backfill=" + copiedKeys);

            assertThat(differences).as("columns whose stream text differs from the backfill text").isEmpty();
            assertThat(deletedKeys).as("composite keys of stream deletes vs backfill rows")
                    .containsExactlyInAnyOrderElementsOf(copiedKeys);
        } finally {
            ReplicationSetup.drop(spec);
        }
    }

    /** Rows as the backfill reads them: id (or row number) to column to text. */
    private static Map<String, Map<String, String>> backfill(MigrationSpec spec, TableSchema table) {
        Map<String, Map<String, String>> rows = new ConcurrentHashMap<>();
        new SnapshotReader(spec, 1, 1000).read(table, "tenant_id", (id, shardKey, line) -> {
            List<String> fields = CopyText.fields(line);
            Map<String, String> row = new TreeMap<>();
            for (int i = 0; i < fields.size(); i++) {
                row.put(table.columns().get(i).name(), fields.get(i));
            }
            rows.put(row.containsKey("id") ? row.get("id") : Integer.toString(rows.size()), row);
        });
        return rows;
    }

    private static List<ChangeEvent> consume(String topic, int expected) {
        List<ChangeEvent> events = new ArrayList<>();
        Predicate<List<ChangeEvent>> done = all -> all.size() >= expected;
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
                    events.add(ChangeEventCodec.decode(r.value()));
                }
                return done.test(events);
            });
        }
        return events;
    }
}
