package io.shardshift.engine.run;

import io.shardshift.cdc.CaptureOptions;
import io.shardshift.cdc.ChangeCapture;
import io.shardshift.cdc.ReplicationSetup;
import io.shardshift.cdc.SnapshotReader;
import io.shardshift.cdc.SourcePreflight;
import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.event.Operation;
import io.shardshift.core.event.TableId;
import io.shardshift.core.layout.Layout;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.devstack.DevKafka;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.engine.topology.RoutedEvent;
import io.shardshift.engine.topology.Router;
import io.shardshift.sink.pg.PgProvisioner;
import io.shardshift.sink.pg.PgTargetSink;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A row deleted by the stream must stay deleted when its backfill row arrives late, and a row's backfill
 * and stream events must route to the same target, for keys and shard keys of types whose text differs
 * between {@code COPY} and Debezium unless both are canonical (timestamptz, numeric with scale, uuid,
 * boolean, float8). Real paths on both sides: {@link SnapshotReader} and {@link RoutedBackfillSink} for the
 * backfill, pgoutput through {@link ChangeCapture} and the {@link Router} into {@link PgTargetSink} for the
 * stream. The JVM's time zone is not UTC, as an application server's often is not.
 */
@Timeout(240)
class KeyTextResurrectionIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ROWS = 40;
    private static final TableId ORDERS = TableId.parse("orders");
    private static DevPostgres pg;
    private static DevKafka kafka;
    private static TimeZone jvmZone;

    @BeforeAll
    static void startServers() throws SQLException {
        jvmZone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("America/St_Johns"));
        pg = DevPostgres.start();
        kafka = DevKafka.start();
        pg.createDatabase("app");
        pg.createDatabase("t1");
        pg.createDatabase("t2");
        try (Connection c = pg.connect("app"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE orders (at timestamptz, n numeric(10,2), u uuid, b boolean, f float8, note text,"
                    + " PRIMARY KEY (at, n, u, b, f))");
            st.execute("ALTER TABLE orders REPLICA IDENTITY FULL");
            st.execute("INSERT INTO orders SELECT timestamptz '2024-03-01 10:15:30.5+02' + g * interval '37 minutes 1.25 s',"
                    + " g * 1.5, ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd38' || lpad(to_hex(g), 4, '0'))::uuid, g % 2 = 0,"
                    + " g * 1e19, 'n' || g FROM generate_series(1, " + ROWS + ") g");
        }
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
    void shouldKeepDeletedRowsDeletedAndRouteBackfillAndStreamAlikeForNonTextKeys() throws Exception {
        MigrationSpec spec = spec();
        List<TableSchema> schemas = SourcePreflight.check(spec);
        spec.targets().forEach(t -> PgProvisioner.provision(t, schemas));
        ReplicationSetup.ensure(spec);
        Layout layout = spec.routing();
        Router router = new Router(layout, Map.of(ORDERS, "at"));

        Map<String, byte[]> lateRows = new ConcurrentHashMap<>();
        Map<String, String> backfillShardKeys = new ConcurrentHashMap<>();
        new SnapshotReader(spec, 1, 1000).read(schemas.get(0), "at", (table, shardKey, line) -> {
            String id = io.shardshift.core.copy.CopyText.field(line, 5).substring(1);
            lateRows.put(id, line);
            backfillShardKeys.put(id, shardKey);
        });

        Map<String, PgTargetSink> sinks = new HashMap<>();
        spec.targets().forEach(t -> sinks.put(t.name(), PgTargetSink.open(t, schemas, 100, 2)));
        try (ChangeCapture capture = ChangeCapture.start(spec, schemas, CaptureOptions.defaults())) {
            assertThat(capture.awaitRunning(WAIT)).isTrue();
            try (Connection c = pg.connect("app"); Statement st = c.createStatement()) {
                st.execute("DELETE FROM orders WHERE substr(note, 2)::int % 3 = 0");
                st.execute("UPDATE orders SET note = note || ' streamed'");
            }
            List<ChangeEvent> events = consume(spec.changeTopic(ORDERS), ROWS);
            for (ChangeEvent e : events) {
                if (e.op() == Operation.UPDATE) {
                    String id = e.before().get("note").substring(1);
                    assertThat(e.after().get("at")).as("stream vs backfill shard key text of row %s", id)
                            .isEqualTo(backfillShardKeys.get(id));
                    assertThat(router.route(e)).extracting(RoutedEvent::target).as("target of row %s", id)
                            .containsExactly(layout.targetFor(backfillShardKeys.get(id)));
                }
                for (RoutedEvent r : router.route(e)) {
                    if (e.op() == Operation.DELETE) {
                        assertThat(sinks.get(r.target()).apply(List.of(r.event()))).isEmpty();
                    }
                }
            }
        } finally {
            ReplicationSetup.drop(spec);
        }
        sinks.values().forEach(PgTargetSink::close);

        try (RoutedBackfillSink late = new RoutedBackfillSink(spec, schemas.get(0), layout, List.of(), null,
                io.shardshift.engine.rate.BackfillWrites.NONE)) {
            for (Map.Entry<String, byte[]> row : lateRows.entrySet()) {
                late.accept(ORDERS, backfillShardKeys.get(row.getKey()), row.getValue());
            }
            late.chunkFinished(null, lateRows.size());
        }

        Map<String, List<String>> held = new HashMap<>();
        for (TargetSpec t : spec.targets()) {
            for (String note : notes(t)) {
                held.computeIfAbsent(note.substring(1), k -> new ArrayList<>()).add(t.name());
            }
        }
        for (int id = 1; id <= ROWS; id++) {
            String key = Integer.toString(id);
            if (id % 3 == 0) {
                assertThat(held.get(key)).as("row %s, deleted by the stream before its late backfill row", key).isNull();
            } else {
                assertThat(held.get(key)).as("targets holding row %s", key)
                        .containsExactly(layout.targetFor(backfillShardKeys.get(key)));
            }
        }
    }

    private static List<String> notes(TargetSpec target) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect(target.jdbcUrl().substring(target.jdbcUrl().lastIndexOf('/') + 1));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT note FROM orders")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static MigrationSpec spec() {
        return SpecLoader.parse("""
                name: keytext
                source: {jdbcUrl: "%s", user: %s, password: "${env:PGPASS}"}
                tables: [{name: orders}]
                kafka: {bootstrapServers: "%s", partitions: 3}
                targets:
                  - {name: t1, jdbcUrl: "%s", user: %s, password: "${env:PGPASS}"}
                  - {name: t2, jdbcUrl: "%s", user: %s, password: "${env:PGPASS}"}
                layout: {generation: 2, shardKey: at, buckets: 16, targets: [t1, t2]}
                """.formatted(pg.jdbcUrl("app"), pg.user(), kafka.bootstrapServers(), pg.jdbcUrl("t1"), pg.user(),
                pg.jdbcUrl("t2"), pg.user()), Map.of("PGPASS", pg.password()));
    }

    private static List<ChangeEvent> consume(String topic, int expected) {
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
                    events.add(ChangeEventCodec.decode(r.value()));
                }
                return events.size() >= expected;
            });
        }
        return events;
    }
}
