package io.shardshift.cutover;

import io.shardshift.client.RoutingLayout;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The layout published for the new generation, whole-table and tenant-scoped. */
class ConfigPublisherLayoutTest {
    private static final String SPEC = """
            name: rehome
            source: {jdbcUrl: "jdbc:postgresql://localhost:5432/app", user: app, password: secret}
            tables: [{name: public.orders}]
            kafka: {bootstrapServers: "localhost:9092"}
            targets:
              - {name: pg_a, jdbcUrl: "jdbc:postgresql://a:5432/app", user: app, password: secret}
              - {name: pg_b, jdbcUrl: "jdbc:postgresql://b:5432/app", user: app, password: secret}
            layout: {generation: 2, shardKey: tenant_id, buckets: 64, targets: [pg_a, pg_b], hotTenants: {acme: pg_b}}
            """;

    private static MigrationSpec spec(String extra) {
        return SpecLoader.parse(SPEC + extra, Map.of());
    }

    @Test
    void shouldPublishTheSpecLayoutWhenEveryRowMoves() {
        MigrationSpec spec = spec("");

        RoutingLayout published = ConfigPublisher.newLayout(spec);

        assertThat(published.generation()).isEqualTo(2);
        assertThat(published.bucketTargets()).isEqualTo(spec.routing().bucketTargets());
        assertThat(published.hotTenants()).containsExactly(Map.entry("acme", "pg_b"));
        for (String tenant : new String[] {"acme", "globex", "initech", "x"}) {
            assertThat(published.targetFor(tenant)).isEqualTo(spec.routing().targetFor(tenant));
        }
    }

    @Test
    void shouldRouteOnlyTheListedTenantsToTheirTargetsAndEveryOtherKeyToTheSource() {
        MigrationSpec spec = spec("tenants: [acme, globex]\n");

        RoutingLayout published = ConfigPublisher.newLayout(spec);

        assertThat(published.generation()).isEqualTo(2);
        assertThat(published.shardKey()).isEqualTo("tenant_id");
        assertThat(published.targetFor("acme")).isEqualTo("pg_b");
        assertThat(published.targetFor("globex")).isEqualTo(spec.routing().targetFor("globex"));
        assertThat(published.hotTenants()).containsOnlyKeys("acme", "globex");
        for (String other : new String[] {"initech", "umbrella", "hooli", "", "ACME"}) {
            assertThat(published.targetFor(other)).as("tenant %s stays on the source", other)
                    .isEqualTo(ConfigPublisher.SOURCE_TARGET);
        }
        assertThat(published.targetFor(null)).isEqualTo(ConfigPublisher.SOURCE_TARGET);
    }

    @Test
    void shouldBuildTheScopedLayoutAsTheSourceLayoutPlusTheMovedTenants() {
        MigrationSpec spec = spec("tenants: [initech]\n");

        RoutingLayout published = ConfigPublisher.newLayout(spec);
        RoutingLayout source = ConfigPublisher.sourceLayout(2, "tenant_id");

        assertThat(published.bucketTargets()).isEqualTo(source.bucketTargets());
        assertThat(published.buckets()).isEqualTo(source.buckets());
        assertThat(published.hotTenants()).containsExactly(Map.entry("initech", spec.routing().targetFor("initech")));
    }
}
