package io.shardshift.tools.chaos;

import io.shardshift.devstack.DevPostgres;
import io.shardshift.devstack.TcpProxy;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.DemoStack;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The services of the chaos suite: a {@link DemoStack} with a two-node SolrCloud, and a {@link TcpProxy} in front of
 * the first target ({@code pg_a}) that only the migrator uses (the writers connect to {@code pg_a} directly), so a
 * network stall cuts the migrator off from that target alone. Each run gets databases of its own ({@code chaosN}
 * on every PostgreSQL), a migration of its own (topics, slot) and a search collection of its own, dropped after it.
 */
final class ChaosStack implements AutoCloseable {
    private final DemoStack stack;
    private final TcpProxy proxyToA;

    private ChaosStack(DemoStack stack, TcpProxy proxyToA) {
        this.stack = stack;
        this.proxyToA = proxyToA;
    }

    static ChaosStack start() {
        DemoStack stack = DemoStack.start(true);
        return new ChaosStack(stack, TcpProxy.start(stack.targets().get(0).port()));
    }

    DemoStack demo() {
        return stack;
    }

    TcpProxy proxyToA() {
        return proxyToA;
    }

    DevPostgres source() {
        return stack.source();
    }

    DevPostgres target(int i) {
        return stack.targets().get(i);
    }

    List<DevPostgres> all() {
        return List.of(stack.source(), target(0), target(1));
    }

    /** Creates the run's databases and the demo table of {@code rows} rows on its source. */
    void createRun(String db, int rows) throws SQLException {
        for (DevPostgres pg : all()) {
            pg.createDatabase(db);
        }
        try (Connection c = source().connect(db)) {
            DemoSource.create(c, rows);
        }
    }

    /** Drops the run's databases (and their slots) and its search collection; leaves nothing of it running. */
    void dropRun(String db, String collection) {
        for (DevPostgres pg : all()) {
            try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                st.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = '" + db
                        + "' AND active_pid IS NOT NULL");
                st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '" + db
                        + "' AND NOT active");
                st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("chaos: cannot drop database " + db + " on port " + pg.port() + ": " + e.getMessage());
            }
        }
        try (CloudSolrClient solr = stack.solr().newClient()) {
            CollectionAdminRequest.deleteAlias(collection).process(solr);
        } catch (Exception e) {
            // no alias
        }
        try (CloudSolrClient solr = stack.solr().newClient()) {
            for (String c : CollectionAdminRequest.listCollections(solr)) {
                if (c.startsWith(collection + "_")) {
                    CollectionAdminRequest.deleteCollection(c).process(solr);
                }
            }
        } catch (Exception e) {
            System.err.println("chaos: cannot delete collections of " + collection + ": " + e.getMessage());
        }
    }

    /**
     * The run's spec: the demo layout ({@code pg_a}, {@code pg_b}, the hot tenant on {@code pg_b}) and search
     * collection, the migrator reaching {@code pg_a} through the proxy when {@code viaProxy}.
     */
    String specYaml(String name, String db, String collection, boolean viaProxy) {
        String aUrl = viaProxy ? "jdbc:postgresql://127.0.0.1:" + proxyToA.port() + "/" + db : target(0).jdbcUrl(db);
        return stack.layoutYaml(name, db, aUrl, 4) + """
                apply:
                  batchSize: 500
                  threads: 2
                  backfillParallelism: 2
                  chunkRows: 5000
                cutover:
                  maxLagMillis: 5000
                  stableFor: 1s
                  gateTimeout: 120s
                  observationWindow: 30m
                  verify: false
                """ + DemoStack.searchYaml("orders_search", stack.solr().zkHost(), collection, 2, 2, 1, 1000);
    }

    @Override
    public void close() {
        proxyToA.close();
        stack.close();
    }
}
