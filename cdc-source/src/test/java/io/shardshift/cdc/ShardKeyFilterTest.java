package io.shardshift.cdc;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.event.TableId;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardKeyFilterTest {

    @Test
    void shouldRenderValuesAsEscapedLiteralsAndTheColumnQuoted() {
        ShardKeyFilter f = ShardKeyFilter.of("tenant_id", List.of("acme", "o'hara", "back\\slash", "x') OR true --"));

        assertThat(f.toSql("t")).isEqualTo("t.\"tenant_id\"::text IN (E'acme', E'o''hara', E'back\\\\slash', E'x'') OR true --')");
        assertThat(f.toSql(null)).startsWith("\"tenant_id\"::text IN (");
    }

    @Test
    void shouldAcceptOnlyItsValues() {
        ShardKeyFilter f = ShardKeyFilter.of("tenant_id", List.of("acme", "42"));

        assertThat(f.accepts("acme")).isTrue();
        assertThat(f.accepts("42")).isTrue();
        assertThat(f.accepts("ACME")).isFalse();
        assertThat(f.accepts(null)).isFalse();
    }

    @Test
    void shouldRejectABadColumnNoValuesAndNulCharacters() {
        assertThatThrownBy(() -> ShardKeyFilter.of("", List.of("a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shard key column");
        assertThat(ShardKeyFilter.of("tenant\"; DROP TABLE x; --", List.of("a")).toSql(null))
                .startsWith("\"tenant\"\"; DROP TABLE x; --\"");
        assertThatThrownBy(() -> ShardKeyFilter.of("tenant_id", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one value");
        assertThatThrownBy(() -> ShardKeyFilter.of("tenant_id", List.of("a\0b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
    }

    @Test
    void shouldComeFromATenantScopedSpecOnly() {
        TableId orders = TableId.parse("public.orders");
        MigrationSpec all = spec(null);
        MigrationSpec scoped = spec(List.of("acme"));

        assertThat(ShardKeyFilter.of(all, orders)).isEmpty();
        assertThat(ShardKeyFilter.of(scoped, orders)).contains(ShardKeyFilter.of("tenant_id", List.of("acme")));
    }

    private static MigrationSpec spec(List<String> tenants) {
        return io.shardshift.core.spec.SpecLoader.parse("""
                name: t
                source: {jdbcUrl: "jdbc:postgresql://localhost/app", user: u, password: p}
                tables: [{name: public.orders}]
                kafka: {bootstrapServers: "localhost:9092"}
                targets: [{name: a, jdbcUrl: "jdbc:postgresql://localhost/a", user: u, password: p}]
                layout: {generation: 1, shardKey: tenant_id, buckets: 4, targets: [a]}
                """ + (tenants == null ? "" : "tenants: " + tenants + "\n"), java.util.Map.of());
    }
}
