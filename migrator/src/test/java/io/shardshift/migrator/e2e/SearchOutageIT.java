package io.shardshift.migrator.e2e;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.devstack.DevSolr;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.topology.TargetOutages;
import io.shardshift.sink.solr.SolrClients;
import io.shardshift.sink.solr.SolrTargetConfig;
import io.shardshift.testkit.SearchCompare;
import io.shardshift.testkit.WriteLoad;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every SolrCloud node stopped while writes go on: the PostgreSQL targets keep applying and catch up with
 * the source while Solr is still down (the search targets' apply is a group of its own), apply waits for the
 * search target instead of stopping, and once Solr is back the collection catches up too: every source row
 * in its target and in the collection, nothing lost.
 */
@Tag("slow")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SearchOutageIT {
    @RegisterExtension
    static final DemoExtension demo = new DemoExtension(true, 5_000);

    @Test
    void shouldKeepApplyingThePostgresTargetsWhileSolrIsDown(@TempDir Path state) throws Exception {
        MigrationSpec spec = demo.stack().spec("solrdown", 200);
        DevSolr solr = demo.stack().solr();
        WriteLoad load = demo.fixture().startLoad(2, 200);
        MigrationRunner runner = demo.fixture().closing(MigrationRunner.start(spec, state));
        assertThat(runner.awaitBackfill(Duration.ofMinutes(3))).isTrue();
        await().atMost(Duration.ofMinutes(1)).until(() -> runner.metrics().target("orders_search").eventsApplied() > 100);
        TableSchema table = runner.tables().get(0);

        solr.stopNode(0);
        solr.stopNode(1);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> runner.outages().waiting().stream()
                    .map(TargetOutages.Waiting::target).toList().equals(List.of("orders_search")));
            long pgApplied = runner.metrics().target("pg_b").eventsApplied();
            long written = load.total();
            await().atMost(Duration.ofSeconds(60)).until(() -> load.total() > written + 1_000);
            load.stop();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                CompareReport rows = Compare.orders(demo.stack(), spec, table);
                assertThat(rows.mismatches()).as("PostgreSQL targets caught up while Solr is down").isEmpty();
            });
            assertThat(runner.metrics().target("pg_b").eventsApplied()).isGreaterThan(pgApplied);
            assertThat(runner.outages().waiting("orders_search")).as("still waiting for Solr").isPresent();
            assertThat(runner.failure()).isEmpty();
        } finally {
            solr.restartNode(0);
            solr.restartNode(1);
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> runner.outages().waiting().isEmpty());
        Drain.await(runner.lag(), Duration.ofMinutes(2));
        SolrTargetConfig cfg = runner.search().config("orders_search");
        try (CloudSolrClient client = SolrClients.forTarget(cfg); Connection src = demo.fixture().source()) {
            client.commit(cfg.collectionName(), true, true, true);
            CompareReport docs = SearchCompare.compare(src, client, cfg.collectionName(), cfg, table);
            assertThat(docs.mismatches()).isEmpty();
            assertThat(docs.sourceRows()).isGreaterThanOrEqualTo(5_000).isEqualTo(docs.targetRows());
        }
        CompareReport rows = Compare.orders(demo.stack(), spec, table);
        assertThat(rows.mismatches()).isEmpty();
        assertThat(rows.clean()).isTrue();
        assertThat(runner.failure()).isEmpty();
        assertThat(runner.deadLetters()).isZero();
    }
}
