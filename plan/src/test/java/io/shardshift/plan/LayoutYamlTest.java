package io.shardshift.plan;

import io.shardshift.core.layout.Layout;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LayoutYamlTest {

    @Test
    void shouldWriteALayoutThatASpecLoadsBackUnchanged() {
        Layout layout = new Layout(2, "tenant_id", List.of("pg_a", "pg_a", "pg_b", "pg_a", "pg_c", "pg_c", "pg_b", "pg_b"),
                Map.of("007", "pg_hot_1", "acme corp", "pg_hot_2"));

        String yaml = LayoutYaml.toYaml(layout);
        MigrationSpec spec = SpecLoader.parse("""
                name: demo
                source: {jdbcUrl: "jdbc:postgresql://db:5432/app", user: u}
                tables: [{name: public.orders}]
                kafka: {bootstrapServers: "k:9092"}
                targets:
                  - {name: pg_a, jdbcUrl: "jdbc:postgresql://a:5432/app", user: u}
                  - {name: pg_b, jdbcUrl: "jdbc:postgresql://b:5432/app", user: u}
                  - {name: pg_c, jdbcUrl: "jdbc:postgresql://c:5432/app", user: u}
                  - {name: pg_hot_1, jdbcUrl: "jdbc:postgresql://h1:5432/app", user: u}
                  - {name: pg_hot_2, jdbcUrl: "jdbc:postgresql://h2:5432/app", user: u}
                """ + yaml, Map.of());

        assertThat(spec.routing()).isEqualTo(layout);
        assertThat(yaml).startsWith("layout:").contains("0-1,3").doesNotContain("---");
    }
}
