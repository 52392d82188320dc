package io.shardshift.rebalance;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;

import java.util.Map;

/** A base spec for the unit tests: two PostgreSQL targets and one search target; nothing is contacted. */
final class BaseSpecs {
    private BaseSpecs() {
    }

    static MigrationSpec orders(String name, String topicPrefix) {
        return SpecLoader.parse("""
                name: %s
                source: {jdbcUrl: "jdbc:postgresql://127.0.0.1:1/app", user: app, password: pw, slotName: base_slot}
                tables: [{name: public.orders}]
                kafka: {bootstrapServers: "127.0.0.1:1", partitions: 4%s}
                targets:
                  - {name: pg_a, jdbcUrl: "jdbc:postgresql://127.0.0.1:2/app", user: app}
                  - {name: pg_b, jdbcUrl: "jdbc:postgresql://127.0.0.1:3/app", user: app}
                layout: {generation: 2, shardKey: tenant_id, buckets: 64, targets: [pg_a, pg_b], hotTenants: {acme: pg_b}}
                cutover: {maxLagMillis: 2000}
                search:
                  - name: orders_search
                    solrUrls: ["http://127.0.0.1:4/solr"]
                    collection: orders
                    version: 2
                    table: public.orders
                    hotTenants: {acme: 1}
                """.formatted(name, topicPrefix == null ? "" : ", topicPrefix: " + topicPrefix), Map.of());
    }
}
