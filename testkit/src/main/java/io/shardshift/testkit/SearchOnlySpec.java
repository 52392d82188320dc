package io.shardshift.testkit;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.DemoStack;

import java.util.Map;

/**
 * A search-only migration spec on a {@link DemoStack} started with Solr: the demo {@code public.orders}
 * table re-indexed into a new version of the {@code orders} collection with its own shard count and the hot
 * tenant spread over several shards, PostgreSQL staying the source of truth (no targets, no layout).
 */
public final class SearchOnlySpec {
    /** The search target's name in the spec. */
    public static final String TARGET = "orders_search";
    /** The alias (and base name of the collections). */
    public static final String ALIAS = "orders";

    private SearchOnlySpec() {
    }

    /**
     * @param name           the migration's name
     * @param version        the new collection's version ({@code orders_v<version>})
     * @param shards         shards of the new collection
     * @param hotTenantBits  routing bits of the hot tenant (spread over {@code shards / 2^bits} shards)
     * @param commitWithinMs how soon documents become searchable
     */
    public static MigrationSpec of(DemoStack stack, String name, int version, int shards, int hotTenantBits,
                                   int commitWithinMs) {
        if (stack.solr() == null) {
            throw new IllegalArgumentException("the demo stack was started without Solr");
        }
        String yaml = """
                name: %s
                source:
                  jdbcUrl: %s
                  user: %s
                  password: ${env:SHARDSHIFT_DEMO_PASSWORD}
                tables:
                  - {name: public.orders, shardKey: tenant_id}
                kafka:
                  bootstrapServers: %s
                  partitions: 8
                apply:
                  batchSize: 500
                  threads: 2
                  backfillParallelism: 4
                  chunkRows: 2500
                """.formatted(name, stack.source().jdbcUrl(DemoStack.DATABASE), stack.source().user(),
                stack.kafka().bootstrapServers())
                + DemoStack.searchYaml(TARGET, stack.solr().zkHost(), ALIAS, version, shards, hotTenantBits,
                commitWithinMs);
        return SpecLoader.parse(yaml, Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));
    }
}
