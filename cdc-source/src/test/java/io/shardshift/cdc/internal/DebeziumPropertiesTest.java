package io.shardshift.cdc.internal;

import io.shardshift.cdc.CaptureOptions;
import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DebeziumPropertiesTest {
    static final String YAML = """
            name: demo
            source: {jdbcUrl: "jdbc:postgresql://db.example:6543/app?sslmode=require", user: cdc, password: s3cret}
            tables: [{name: public.orders}, {name: sales.line$items}]
            kafka: {bootstrapServers: "k1:9092", replicationFactor: 3}
            targets: [{name: a, jdbcUrl: "jdbc:postgresql://a:5432/app", user: app}]
            layout: {generation: 2, shardKey: tenant_id, buckets: 4, targets: [a]}
            """;

    @Test
    void shouldConfigureStreamingOnlyPgoutputOnTheMigrationSlotWithKafkaOffsets() {
        MigrationSpec spec = SpecLoader.parse(YAML, Map.of());
        CaptureOptions options = CaptureOptions.defaults().withHeartbeatInterval(Duration.ofMillis(250));

        Properties p = DebeziumProperties.build(spec, spec.tableIds(), options);

        assertThat(p).containsEntry("connector.class", "io.debezium.connector.postgresql.PostgresConnector")
                .containsEntry("name", "shardshift-demo")
                .containsEntry("database.hostname", "db.example")
                .containsEntry("database.port", "6543")
                .containsEntry("database.dbname", "app")
                .containsEntry("database.sslmode", "require")
                .containsEntry("plugin.name", "pgoutput")
                .containsEntry("slot.name", "shardshift_demo")
                .containsEntry("publication.name", "shardshift_demo")
                .containsEntry("publication.autocreate.mode", "disabled")
                .containsEntry("snapshot.mode", "no_data")
                .containsEntry("skipped.operations", "none")
                .containsEntry("heartbeat.interval.ms", "250")
                .containsEntry("converters", "pgtext")
                .containsEntry("pgtext.type", PgTextConverter.class.getName())
                .containsEntry("decimal.handling.mode", "string")
                .containsEntry("interval.handling.mode", "string")
                .containsEntry("unavailable.value.placeholder", "__debezium_unavailable_value")
                .containsEntry("offset.storage", "io.shardshift.cdc.internal.ClosingKafkaOffsetBackingStore")
                .containsEntry("bootstrap.servers", "k1:9092")
                .containsEntry("offset.storage.topic", "shardshift.demo.offsets")
                .containsEntry("offset.storage.partitions", "1")
                .containsEntry("offset.storage.replication.factor", "3");
        List<Pattern> include = java.util.Arrays.stream(p.getProperty("table.include.list").split(","))
                .map(Pattern::compile).toList();
        assertThat(include).hasSize(2);
        assertThat(include.get(0).matcher("public.orders").matches()).isTrue();
        assertThat(include.get(0).matcher("publicXorders").matches()).isFalse();
        assertThat(include.get(1).matcher("sales.line$items").matches()).isTrue();
    }

    @Test
    void shouldMatchOddTableNamesExactlyWithDebeziumsOwnFilter() {
        TableId spaced = new TableId("public", "Order Items");
        TableId odd = new TableId("Sales.EU", "a,b$c (x)|y*");
        String list = String.join(",", DebeziumProperties.tableRegex(spaced), DebeziumProperties.tableRegex(odd));
        java.util.function.Predicate<String> include = io.debezium.function.Predicates.includes(list,
                Pattern.CASE_INSENSITIVE);
        assertThat(include.test("public.Order Items")).isTrue();
        assertThat(include.test("Sales.EU.a,b$c (x)|y*")).isTrue();
        assertThat(include.test("public.Order_Items")).isFalse();
        assertThat(include.test("Sales.EU.a")).isFalse();
        assertThat(include.test("b$c (x)|y*")).isFalse();
        assertThat(include.test("SalesXEU.a,b$c (x)|y*")).isFalse();
    }

    @Test
    void shouldMaskPasswordWhenDescribed() {
        MigrationSpec spec = SpecLoader.parse(YAML, Map.of());

        String text = DebeziumProperties.describe(DebeziumProperties.build(spec, List.of(TableId.parse("orders")),
                CaptureOptions.defaults()));

        assertThat(text).doesNotContain("s3cret").contains("database.password=******");
    }

    @Test
    void shouldApplyOverridesLast() {
        MigrationSpec spec = SpecLoader.parse(YAML, Map.of());
        CaptureOptions options = new CaptureOptions(Duration.ofSeconds(1), Duration.ofSeconds(1), null,
                Map.of("snapshot.mode", "never"));

        assertThat(DebeziumProperties.build(spec, spec.tableIds(), options)).containsEntry("snapshot.mode", "never");
    }

    @Test
    void shouldRejectMultiHostUrl() {
        assertThatThrownBy(() -> PgConnections.Endpoint.parse("jdbc:postgresql://h1:5432,h2:5432/app", "source.jdbcUrl"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("source.jdbcUrl");
    }

    @Test
    void shouldDefaultPortAndMaskPasswordInErrors() {
        assertThat(PgConnections.Endpoint.parse("jdbc:postgresql://h/app", "f"))
                .isEqualTo(new PgConnections.Endpoint("h", 5432, "app", null));
        assertThat(PgConnections.describe(new java.sql.SQLException("bad pw hunter2", new RuntimeException("x")),
                "hunter2")).isEqualTo("bad pw ******; caused by: x");
    }
}
