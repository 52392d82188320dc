package io.shardshift.migrator.e2e;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.testkit.SearchOnlySpec;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.DemoStack;
import io.shardshift.testkit.WriteLoad;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.testkit.SearchCompare;
import io.shardshift.sink.solr.SolrClients;
import io.shardshift.sink.solr.SolrDocuments;
import io.shardshift.sink.solr.SolrProvisioner;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.cloud.Slice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A new layout for the search index alone, PostgreSQL staying the source of truth: a spec with only a
 * search target (8 shards, the hot tenant spread over 4 of them) and no PostgreSQL targets or layout runs
 * the same flow while writes go on; once lag is zero the alias moves to the new collection, which then
 * holds exactly the live source rows, with the hot tenant on 4 shards and every other tenant on one.
 */
@Tag("slow")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class SearchOnlyMigrationIT {
    static DemoStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = DemoStack.start(true);
        try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
            DemoSource.create(c, 6_000);
        }
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldReindexIntoANewShardLayoutWithoutPostgresTargets(@TempDir Path state) throws Exception {
        MigrationSpec spec = SearchOnlySpec.of(stack, "reindex", 3, 8, 1, 1000);
        String url = stack.source().jdbcUrl(DemoStack.DATABASE);
        try (WriteLoad load = new WriteLoad(url, stack.source().user(), stack.source().password(), 4, 150).start();
             MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).isTrue();
            long atBackfill = load.total();
            await().atMost(Duration.ofMinutes(1)).until(() -> load.total() > atBackfill + 300);
            load.stop();
            Drain.await(runner.lag(), Duration.ofMinutes(4));

            SolrTargetConfig cfg = runner.search().config(SearchOnlySpec.TARGET);
            TableSchema table = runner.tables().get(0);
            try (CloudSolrClient solr = SolrClients.forTarget(cfg);
                 Connection src = stack.source().connect(DemoStack.DATABASE)) {
                solr.commit(cfg.collectionName(), true, true, true);
                new SolrProvisioner(solr).pointAlias(cfg);
                assertThat(new SolrProvisioner(solr).aliasTarget(SearchOnlySpec.ALIAS)).contains("orders_v3");

                CompareReport docs = SearchCompare.compare(src, solr, SearchOnlySpec.ALIAS, cfg, table);
                assertThat(docs.mismatches()).isEmpty();
                assertThat(docs.sourceRows()).isGreaterThan(5_500).isEqualTo(docs.targetRows());

                List<String> shards = solr.getClusterState().getCollection("orders_v3").getSlices().stream()
                        .map(Slice::getName).toList();
                assertThat(shards).hasSize(8);
                assertThat(shardsHolding(solr, shards, DemoSource.HOT_TENANT)).hasSize(4);
                assertThat(shardsHolding(solr, shards, otherTenant(src))).hasSize(1);
            }
            assertThat(runner.deadLetters()).isZero();
            assertThat(runner.failure()).isEmpty();
        }
    }

    private static String otherTenant(Connection src) throws Exception {
        try (Statement st = src.createStatement();
             ResultSet rs = st.executeQuery("SELECT tenant_id FROM public.orders WHERE tenant_id <> '"
                     + DemoSource.HOT_TENANT + "' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The shards of orders_v3 holding live documents of the tenant. */
    private static List<String> shardsHolding(CloudSolrClient solr, List<String> shards, String tenant) throws Exception {
        List<String> holding = new java.util.ArrayList<>();
        for (String shard : shards) {
            SolrQuery q = new SolrQuery("tenant_id:" + tenant).setRows(0);
            q.addFilterQuery("-" + SolrDocuments.DELETED_FIELD + ":true");
            q.set("shards", shard);
            if (solr.query("orders_v3", q).getResults().getNumFound() > 0) {
                holding.add(shard);
            }
        }
        return holding;
    }
}
