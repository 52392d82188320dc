package io.shardshift.testkit;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.devstack.DevKafka;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.devstack.DevSolr;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * The embedded stack of the demo and the end-to-end tests: a source PostgreSQL, two target PostgreSQL
 * instances, a Kafka broker and, if asked, a SolrCloud, all real and on this machine, and the spec that
 * migrates the demo table to a two-target layout with the hot tenant on the second target (and into a new
 * search collection {@code orders_v2}, the hot tenant spread over its shards).
 */
public final class DemoStack implements AutoCloseable {
    /** The database name used on every instance. */
    public static final String DATABASE = "app";

    private final DevPostgres source;
    private final List<DevPostgres> targets;
    private final DevKafka kafka;
    private final DevSolr solr;

    private DemoStack(DevPostgres source, List<DevPostgres> targets, DevKafka kafka, DevSolr solr) {
        this.source = source;
        this.targets = targets;
        this.kafka = kafka;
        this.solr = solr;
    }

    /** Starts the source, two targets and Kafka. */
    public static DemoStack start() {
        return start(false);
    }

    /** Starts the source, two targets, Kafka and, with {@code withSolr}, a two-node SolrCloud in this JVM. */
    public static DemoStack start(boolean withSolr) {
        return start(withSolr, true);
    }

    /**
     * Starts the source, two targets, Kafka and, with {@code withSolr}, a two-node SolrCloud: in this JVM with
     * {@code solrInProcess}, otherwise in a JVM of its own ({@link DevSolr#startOutOfProcess(int)}).
     */
    public static DemoStack start(boolean withSolr, boolean solrInProcess) {
        DevPostgres source = DevPostgres.start();
        DevPostgres a = DevPostgres.start();
        DevPostgres b = DevPostgres.start();
        DevKafka kafka = DevKafka.start();
        for (DevPostgres pg : List.of(source, a, b)) {
            pg.createDatabase(DATABASE);
        }
        DevSolr solr = !withSolr ? null : solrInProcess ? DevSolr.start(2) : DevSolr.startOutOfProcess(2);
        return new DemoStack(source, List.of(a, b), kafka, solr);
    }

    public DevPostgres source() {
        return source;
    }

    public List<DevPostgres> targets() {
        return targets;
    }

    public DevKafka kafka() {
        return kafka;
    }

    /** The SolrCloud, or {@code null} when started without. */
    public DevSolr solr() {
        return solr;
    }

    /** The demo spec's YAML: 64 buckets over {@code pg_a} and {@code pg_b}, the hot tenant on {@code pg_b}. */
    public String specYaml(String name, int batchSize) {
        return layoutYaml(name, DATABASE, targets.get(0).jdbcUrl(DATABASE), 8) + """
                apply:
                  batchSize: %d
                  threads: 2
                  backfillParallelism: 4
                  chunkRows: 25000
                """.formatted(batchSize)
                + (solr == null ? "" : searchYaml("orders_search", solr.zkHost(), "orders", 2, 2, 1, 2000));
    }

    /**
     * The demo spec's name, source, table, Kafka, targets and layout (64 buckets over {@code pg_a} and
     * {@code pg_b}, the hot tenant on {@code pg_b}) on the instances' {@code database}, the migrator reaching
     * {@code pg_a} at {@code pgAJdbcUrl} (a proxy's, say); passwords from {@code SHARDSHIFT_DEMO_PASSWORD}.
     */
    public String layoutYaml(String name, String database, String pgAJdbcUrl, int partitions) {
        return """
                name: %s
                source:
                  jdbcUrl: %s
                  user: %s
                  password: ${env:SHARDSHIFT_DEMO_PASSWORD}
                tables:
                  - name: public.orders
                kafka:
                  bootstrapServers: %s
                  partitions: %d
                targets:
                  - {name: pg_a, jdbcUrl: "%s", user: %s, password: "${env:SHARDSHIFT_DEMO_PASSWORD}"}
                  - {name: pg_b, jdbcUrl: "%s", user: %s, password: "${env:SHARDSHIFT_DEMO_PASSWORD}"}
                layout:
                  generation: 2
                  shardKey: tenant_id
                  buckets: 64
                  targets: [pg_a, pg_b]
                  hotTenants: {%s: pg_b}
                """.formatted(name, source.jdbcUrl(database), source.user(), kafka.bootstrapServers(), partitions,
                pgAJdbcUrl, targets.get(0).user(), targets.get(1).jdbcUrl(database), targets.get(1).user(),
                DemoSource.HOT_TENANT);
    }

    /**
     * A search section indexing the demo {@code public.orders} table (tenant, customer, status, amount, creation
     * time, note) into {@code collection_v<version>} with {@code shards} shards, the hot tenant spread by
     * {@code hotTenantBits} routing bits.
     */
    public static String searchYaml(String target, String zkHost, String collection, int version, int shards,
                                    int hotTenantBits, int commitWithinMs) {
        return """
                search:
                  - name: %s
                    zkHost: "%s"
                    collection: %s
                    version: %d
                    shards: %d
                    table: public.orders
                    fields:
                      - {column: tenant_id}
                      - {column: customer}
                      - {column: status}
                      - {column: amount, type: pdouble}
                      - {column: created_at, type: pdate}
                      - {column: note, type: text_general}
                    hotTenants: {%s: %d}
                    commitWithinMs: %d
                """.formatted(target, zkHost, collection, version, shards, DemoSource.HOT_TENANT, hotTenantBits,
                commitWithinMs);
    }

    /** Runs {@code sql} in the source's demo database. */
    public void executeOnSource(String sql) throws SQLException {
        try (Connection c = source.connect(DATABASE); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** The rows of {@code table} matching {@code where}, summed over both targets' demo databases. */
    public long countOnTargets(String table, String where) throws SQLException {
        long n = 0;
        for (DevPostgres target : targets) {
            try (Connection c = target.connect(DATABASE); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table + " WHERE " + where)) {
                rs.next();
                n += rs.getLong(1);
            }
        }
        return n;
    }

    /** The demo spec, loaded through the same loader as a user's file. */
    public MigrationSpec spec(String name, int batchSize) {
        return SpecLoader.parse(specYaml(name, batchSize), Map.of("SHARDSHIFT_DEMO_PASSWORD", source.password()));
    }

    @Override
    public void close() {
        if (solr != null) {
            solr.close();
        }
        kafka.close();
        targets.forEach(DevPostgres::close);
        source.close();
    }
}
