package io.shardshift.core.spec;

import io.shardshift.core.event.TableId;
import io.shardshift.core.layout.Layout;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecLoaderTest {
    static final String VALID = """
            name: demo
            source:
              jdbcUrl: jdbc:postgresql://127.0.0.1:5432/app
              user: shardshift
              password: ${env:SRC_PW}
            tables:
              - name: public.orders
              - name: items
                shardKey: owner_id
            kafka:
              bootstrapServers: 127.0.0.1:9092
              partitions: 4
            targets:
              - {name: pg_a, jdbcUrl: "jdbc:postgresql://127.0.0.1:5433/app", user: app, password: "${env:TGT_PW}"}
              - {name: pg_b, jdbcUrl: "jdbc:postgresql://127.0.0.1:5434/app", user: app, password: "${env:TGT_PW}"}
            layout:
              generation: 2
              shardKey: tenant_id
              buckets: 16
              bucketMap: {pg_a: "0-7", pg_b: "8-15"}
              hotTenants: {big: pg_b}
            """;
    static final Map<String, String> ENV = Map.of("SRC_PW", "s3cret", "TGT_PW", "t0p");

    @Test
    void shouldLoadAValidSpecWithSecretsFromTheEnvironment() {
        MigrationSpec spec = SpecLoader.parse(VALID, ENV);

        assertThat(spec.source().password()).isEqualTo("s3cret");
        assertThat(spec.tableIds()).containsExactly(TableId.parse("public.orders"), TableId.parse("public.items"));
        assertThat(spec.shardKeyOf(TableId.parse("public.items"))).isEqualTo("owner_id");
        assertThat(spec.shardKeyOf(TableId.parse("public.orders"))).isEqualTo("tenant_id");
        Layout layout = spec.routing();
        assertThat(layout.generation()).isEqualTo(2);
        assertThat(layout.buckets()).isEqualTo(16);
        assertThat(layout.targetFor("big")).isEqualTo("pg_b");
        assertThat(spec.changeTopic(TableId.parse("public.orders"))).isEqualTo("shardshift.demo.changes.public.orders");
    }

    @Test
    void shouldNeverShowSecretsInToString() {
        MigrationSpec spec = SpecLoader.parse(VALID, ENV);
        assertThat(spec.toString()).doesNotContain("s3cret").doesNotContain("t0p");
    }

    @Test
    void shouldNameUnknownField() {
        String yaml = VALID.replace("  partitions: 4", "  partitionz: 4");
        assertThatThrownBy(() -> SpecLoader.parse(yaml, ENV)).isInstanceOf(SpecException.class)
                .hasMessageContaining("kafka.partitionz").hasMessageContaining("unknown field");
    }

    @Test
    void shouldNameMalformedYamlPosition() {
        assertThatThrownBy(() -> SpecLoader.parse("name: [unclosed\nsource: x", ENV))
                .isInstanceOf(SpecException.class).hasMessageContaining("malformed YAML").hasMessageContaining("line");
    }

    @Test
    void shouldNameMissingEnvironmentVariable() {
        assertThatThrownBy(() -> SpecLoader.parse(VALID, Map.of("SRC_PW", "x")))
                .hasMessageContaining("targets[0].password").hasMessageContaining("TGT_PW");
    }

    @Test
    void shouldNameMissingRequiredField() {
        String yaml = VALID.replace("  shardKey: tenant_id\n", "");
        assertThatThrownBy(() -> SpecLoader.parse(yaml, ENV)).hasMessageContaining("shardKey");
    }

    @Test
    void shouldRejectLayoutNamingUnknownTarget() {
        String yaml = VALID.replace("hotTenants: {big: pg_b}", "hotTenants: {big: pg_z}");
        assertThatThrownBy(() -> SpecLoader.parse(yaml, ENV)).hasMessageContaining("layout.hotTenants")
                .hasMessageContaining("pg_z");
    }

    @Test
    void shouldRejectBucketMapWithGapOrOverlap() {
        assertThatThrownBy(() -> SpecLoader.parse(VALID.replace("pg_b: \"8-15\"", "pg_b: \"9-15\""), ENV))
                .hasMessageContaining("layout.bucketMap").hasMessageContaining("buckets without a target: 8");
        assertThatThrownBy(() -> SpecLoader.parse(VALID.replace("pg_b: \"8-15\"", "pg_b: \"7-15\""), ENV))
                .hasMessageContaining("layout.bucketMap.pg_b").hasMessageContaining("bucket 7");
    }

    @Test
    void shouldRejectNamesPostgresRejects() {
        assertThatThrownBy(() -> SpecLoader.parse(VALID.replace("shardKey: owner_id", "shardKey: " + "k".repeat(64)),
                ENV)).hasMessageContaining("tables[1].shardKey").hasMessageContaining("at most 63");
        assertThatThrownBy(() -> SpecLoader.parse(VALID.replace("name: items", "name: \"it\\\"ems\""), ENV))
                .hasMessageContaining("tables[1].name");
    }

    @Test
    void shouldAcceptAnyNamePostgresAcceptsWrittenWithItsQuotingRules() {
        MigrationSpec spec = SpecLoader.parse(VALID.replace("name: items", "name: 'public.\"Order Items\"'")
                .replace("shardKey: owner_id", "shardKey: \"tenantId\""), ENV);
        TableId id = new TableId("public", "Order Items");
        assertThat(spec.tableIds()).contains(id);
        assertThat(spec.shardKeyOf(id)).isEqualTo("tenantId");
        assertThat(spec.changeTopic(id)).endsWith(".changes.public.Order-20Items");
    }

    @Test
    void shouldRefuseTwoTablesWhoseTopicsKafkaWouldConfuse() {
        String yaml = VALID.replace("name: items", "name: public_order.items")
                .replace("name: public.orders", "name: public.order_items");
        assertThatThrownBy(() -> SpecLoader.parse(yaml, ENV)).hasMessageContaining("collides");
    }

    @Test
    void shouldRejectNonPostgresJdbcUrl() {
        assertThatThrownBy(() -> SpecLoader.parse(VALID.replace("jdbc:postgresql://127.0.0.1:5432/app", "mysql://x"), ENV))
                .hasMessageContaining("source.jdbcUrl");
    }

    static final String SEARCH = """
            search:
              - name: orders_search
                zkHost: 127.0.0.1:2181/solr
                collection: orders
                version: 2
                table: public.orders
                fields: [{column: amount, type: pdouble}]
                hotTenants: {big: 1}
            """;

    @Test
    void shouldLoadSearchTargetsAndListThemPerTable() {
        MigrationSpec spec = SpecLoader.parse(VALID + SEARCH, ENV);
        assertThat(spec.searchTargetsOf(TableId.parse("public.orders"))).containsExactly("orders_search");
        assertThat(spec.searchTargetsOf(TableId.parse("public.items"))).isEmpty();
        assertThat(spec.searchTargets().get(0).fields().get(0).type()).isEqualTo("pdouble");
    }

    @Test
    void shouldNameTheSearchTargetProblem() {
        assertThatThrownBy(() -> SpecLoader.parse(VALID + SEARCH.replace("table: public.orders", "table: public.nope"), ENV))
                .hasMessageContaining("search[0].table").hasMessageContaining("public.nope");
        assertThatThrownBy(() -> SpecLoader.parse(VALID + SEARCH.replace("orders_search", "pg_a"), ENV))
                .hasMessageContaining("search[0].name").hasMessageContaining("defined twice");
        assertThatThrownBy(() -> SpecLoader.parse(VALID + SEARCH.replace("    zkHost: 127.0.0.1:2181/solr\n", ""), ENV))
                .hasMessageContaining("search[0]");
    }

    @Test
    void shouldHaveNoSearchTargetsWhenTheSectionIsAbsent() {
        assertThat(SpecLoader.parse(VALID, ENV).searchTargets()).isEmpty();
    }

    @Test
    void shouldReadTheShadowReadsGateAndNameEveryBadField() {
        MigrationSpec spec = SpecLoader.parse(VALID + "cutover:\n  shadowReads: {minReads: 50, maxMismatchRate: 0.01, window: 5m}\n", ENV);
        CutoverSpec.ShadowReadsSpec s = spec.cutoverOrDefaults().shadowReads();
        assertThat(s.minReadsOrDefault()).isEqualTo(50);
        assertThat(s.maxMismatchRateOrDefault()).isEqualTo(0.01);
        assertThat(s.windowOrDefault()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThatThrownBy(() -> SpecLoader.parse(VALID
                + "cutover:\n  shadowReads: {minReads: 0, maxMismatchRate: 2, window: soon}\n", ENV))
                .hasMessageContaining("cutover.shadowReads.minReads").hasMessageContaining("cutover.shadowReads.maxMismatchRate")
                .hasMessageContaining("cutover.shadowReads.window");
    }
}
