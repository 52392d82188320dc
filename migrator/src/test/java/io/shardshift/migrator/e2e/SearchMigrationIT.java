package io.shardshift.migrator.e2e;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.DemoStack;
import io.shardshift.testkit.WriteLoad;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.testkit.SearchCompare;
import io.shardshift.sink.solr.SolrProvisioner;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same change stream fills the new PostgreSQL targets and a new Solr collection while writes go on;
 * once lag is zero the alias moves to the new collection, and through the alias the collection holds
 * exactly the live source rows with their mapped values, and the targets hold exactly the source rows.
 */
@Tag("slow")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SearchMigrationIT {
    static DemoStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = DemoStack.start(true);
        try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
            DemoSource.create(c, 30_000);
        }
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldFillTheNewCollectionFromTheSameStreamAndServeItThroughTheAlias(@TempDir Path state) throws Exception {
        MigrationSpec spec = stack.spec("search", 500);
        String url = stack.source().jdbcUrl(DemoStack.DATABASE);
        try (WriteLoad load = new WriteLoad(url, stack.source().user(), stack.source().password(), 4, 300).start();
             MigrationRunner runner = MigrationRunner.start(spec, state)) {
            assertThat(runner.awaitBackfill(Duration.ofMinutes(3))).isTrue();
            long atBackfill = load.total();
            await().atMost(Duration.ofMinutes(1)).until(() -> load.total() > atBackfill + 1_500);
            load.stop();
            Drain.await(runner.lag(), Duration.ofMinutes(2));

            SolrTargetConfig cfg = runner.search().config("orders_search");
            TableSchema table = runner.tables().get(0);
            try (CloudSolrClient solr = io.shardshift.sink.solr.SolrClients.forTarget(cfg);
                 Connection src = stack.source().connect(DemoStack.DATABASE)) {
                solr.commit(cfg.collectionName(), true, true, true);
                new SolrProvisioner(solr).pointAlias(cfg);
                assertThat(new SolrProvisioner(solr).aliasTarget("orders")).contains("orders_v2");

                CompareReport docs = SearchCompare.compare(src, solr, "orders", cfg, table);
                assertThat(docs.mismatches()).isEmpty();
                assertThat(docs.sourceRows()).isGreaterThan(25_000).isEqualTo(docs.targetRows());
            }
            CompareReport rows = Compare.orders(stack, spec, table);
            assertThat(rows.mismatches()).isEmpty();
            assertThat(runner.deadLetters()).isZero();
        }
    }
}
