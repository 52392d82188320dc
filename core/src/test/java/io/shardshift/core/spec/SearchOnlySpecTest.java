package io.shardshift.core.spec;

import io.shardshift.core.event.TableId;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A spec that only re-lays out a search index: search targets, no PostgreSQL targets, no layout. */
class SearchOnlySpecTest {
    static final String SEARCH_ONLY = """
            name: reindex
            source:
              jdbcUrl: jdbc:postgresql://127.0.0.1:5432/app
              user: shardshift
              password: ${env:SRC_PW}
            tables:
              - name: public.orders
                shardKey: tenant_id
            kafka:
              bootstrapServers: 127.0.0.1:9092
            search:
              - name: orders_search
                zkHost: 127.0.0.1:2181/solr
                collection: orders
                version: 3
                shards: 8
                table: public.orders
                hotTenants: {big: 2}
            """;
    static final Map<String, String> ENV = Map.of("SRC_PW", "s3cret");

    @Test
    void shouldLoadASpecWithOnlyASearchTarget() {
        MigrationSpec spec = SpecLoader.parse(SEARCH_ONLY, ENV);

        assertThat(spec.hasLayout()).isFalse();
        assertThat(spec.targets()).isEmpty();
        assertThat(spec.searchTargetsOf(TableId.parse("public.orders"))).containsExactly("orders_search");
        assertThat(spec.shardKeyOf(TableId.parse("public.orders"))).isEqualTo("tenant_id");
        assertThatThrownBy(spec::routing).isInstanceOf(IllegalStateException.class).hasMessageContaining("no layout");
    }

    @Test
    void shouldTakeTheShardKeyFromTheSearchTargetWhenTheTableGivesNone() {
        String yaml = SEARCH_ONLY.replace("    shardKey: tenant_id\n", "")
                .replace("    table: public.orders\n", "    table: public.orders\n    shardKey: customer\n");

        MigrationSpec spec = SpecLoader.parse(yaml, ENV);

        assertThat(spec.shardKeyOf(TableId.parse("public.orders"))).isEqualTo("customer");
        assertThat(spec.shardKeyFieldOf(TableId.parse("public.orders"))).isEqualTo("search[0].shardKey");
    }

    @Test
    void shouldNameTheShardKeyFieldWhenNothingGivesOne() {
        String yaml = SEARCH_ONLY.replace("    shardKey: tenant_id\n", "");

        assertThatThrownBy(() -> SpecLoader.parse(yaml, ENV)).isInstanceOf(SpecException.class)
                .hasMessageContaining("tables[0].shardKey").hasMessageContaining("shardKey on one of its search targets");
    }

    @Test
    void shouldRejectATableWithoutAnyTargetInASearchOnlySpec() {
        String yaml = SEARCH_ONLY.replace("""
                tables:
                  - name: public.orders
                    shardKey: tenant_id
                """, """
                tables:
                  - name: public.orders
                    shardKey: tenant_id
                  - name: public.items
                    shardKey: owner_id
                """);

        assertThatThrownBy(() -> SpecLoader.parse(yaml, ENV)).isInstanceOf(SpecException.class)
                .hasMessageContaining("tables[1]").hasMessageContaining("public.items")
                .hasMessageContaining("search target");
    }

    @Test
    void shouldRequireALayoutWhenThereArePostgresTargets() {
        String yaml = SEARCH_ONLY.replace("search:\n", """
                targets:
                  - {name: pg_a, jdbcUrl: "jdbc:postgresql://127.0.0.1:5433/app", user: app, password: x}
                search:
                """);

        assertThatThrownBy(() -> SpecLoader.parse(yaml, ENV)).isInstanceOf(SpecException.class)
                .hasMessageContaining("layout").hasMessageContaining("required");
    }

    @Test
    void shouldRequireSomeTargetWhenThereIsNoSearchTarget() {
        String yaml = SEARCH_ONLY.substring(0, SEARCH_ONLY.indexOf("search:"));

        assertThatThrownBy(() -> SpecLoader.parse(yaml, ENV)).isInstanceOf(SpecException.class)
                .hasMessageContaining("targets").hasMessageContaining("at least one target");
    }

    @Test
    void shouldKeepTakingTheShardKeyFromTheLayoutWhenThereIsOne() {
        MigrationSpec spec = SpecLoader.parse(SpecLoaderTest.VALID + SpecLoaderTest.SEARCH, SpecLoaderTest.ENV);

        assertThat(spec.hasLayout()).isTrue();
        assertThat(spec.shardKeyFieldOf(TableId.parse("public.orders"))).isEqualTo("layout.shardKey");
        assertThat(spec.shardKeyOf(TableId.parse("public.orders"))).isEqualTo("tenant_id");
    }
}
