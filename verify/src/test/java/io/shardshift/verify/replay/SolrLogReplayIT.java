package io.shardshift.verify.replay;

import io.shardshift.client.shadow.ShadowOutcome;
import io.shardshift.client.shadow.ShadowRecord;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.engine.lag.AppliedWatermark;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.sink.solr.SolrDocuments;
import io.shardshift.sink.solr.SolrTargetConfig;
import io.shardshift.testkit.DemoFixture;
import io.shardshift.testkit.DemoStack;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Solr log replay on a real migration (PostgreSQL, Kafka, SolrCloud): the new collection {@code orders_v2} is
 * filled by the migration; the "old" collection is a one-shard copy of it, as an application's current collection
 * would be. Logged selects agree on numFound and top-k ids; a document the application indexed into the old
 * collection just after writing its row is explained by lag (the new side catches up); a document removed from
 * the new collection by hand is a mismatch.
 */
@Tag("slow")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SolrLogReplayIT {
    static final String OLD = "orders_old";
    static DemoFixture fixture;
    static MigrationSpec spec;
    static MigrationRunner runner;
    static CloudSolrClient solr;
    static String newCollection;
    static WatermarkCatchUp catchUp;
    @TempDir
    static Path state;

    /** Selects as Solr and Jetty log them, with a shard sub-request and a foreign line in between. */
    static final String LOG = String.join("\n",
            "2026-12-07 01:00:00.001 INFO  (qtp1-1) [c:orders s:shard1 r:core_node2 x:orders_shard1_replica_n1 t:]"
                    + " o.a.s.c.S.Request webapp=/solr path=/select params={q=tenant_id:globex&sort=id+asc&rows=10&wt=javabin}"
                    + " hits=1 status=0 QTime=3",
            "2026-12-07 01:00:00.002 INFO  (qtp1-2) [c:orders s:shard1 r:core_node2 x:orders_shard1_replica_n1 t:]"
                    + " o.a.s.c.S.Request webapp=/solr path=/select params={q=*:*&distrib=false&isShard=true&rows=10}"
                    + " hits=1 status=0 QTime=1",
            "2026-12-07 01:00:00.003 INFO  (main) o.e.j.s.Server Started",
            "2026-12-07 01:00:00.004 INFO  (qtp1-3) [c:orders s:shard2 r:core_node4 x:orders_shard2_replica_n3 t:]"
                    + " o.a.s.c.S.Request webapp=/solr path=/select params={q=status:new&rows=10} hits=1 status=0 QTime=2",
            "127.0.0.1 - - [07/Dec/2026:01:00:01 +0000] \"GET /solr/orders/select?q=*:*&rows=20&sort=amount%20desc"
                    + " HTTP/1.1\" 200 4321",
            "127.0.0.1 - - [07/Dec/2026:01:00:02 +0000] \"GET /solr/orders/select?q=tenant_id:initech&fq=status:new"
                    + "&rows=5&sort=created_at%20desc HTTP/1.1\" 200 999");

    @BeforeAll
    static void start() throws Exception {
        fixture = DemoFixture.start(true, 3_000);
        DemoStack stack = fixture.stack();
        spec = stack.spec("replay_it", 500);
        runner = fixture.closing(MigrationRunner.start(spec, state));
        assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
        AppliedWatermark applied = runner.lag().watermark();
        applied.awaitApplied(applied.sourceWalLsn(), Duration.ofMinutes(2));
        SolrTargetConfig cfg = runner.search().config("orders_search");
        newCollection = cfg.collectionName();
        solr = stack.solr().client();
        solr.commit(newCollection);
        String configName = solr.getClusterState().getCollection(newCollection).getConfigName();
        CollectionAdminRequest.createCollection(OLD, configName, 1, 1).process(solr);
        List<SolrInputDocument> copies = new ArrayList<>();
        SolrQuery all = new SolrQuery("*:*").addFilterQuery("-" + SolrDocuments.DELETED_FIELD + ":true").setRows(10_000);
        for (SolrDocument d : solr.query(newCollection, all).getResults()) {
            SolrInputDocument c = new SolrInputDocument();
            d.getFieldNames().stream().filter(f -> !f.equals("_version_")).forEach(f -> c.setField(f, d.getFieldValue(f)));
            copies.add(c);
        }
        assertThat(copies).hasSize(3_000);
        solr.add(OLD, copies);
        solr.commit(OLD);
        catchUp = fixture.closing(new WatermarkCatchUp(spec, Duration.ofSeconds(60)));
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static ReplaySummary replay(String log, List<ShadowRecord> published) throws Exception {
        String base = fixture.stack().solr().baseUrls().get(0);
        SolrLogReplay.Options options = new SolrLogReplay.Options(new SolrEndpoint(base, OLD),
                new SolrEndpoint(base, newCollection), "id", "-" + SolrDocuments.DELETED_FIELD + ":true", false, 2000);
        return new SolrLogReplay(options, catchUp, published::add, System::currentTimeMillis)
                .run(new BufferedReader(new StringReader(log)));
    }

    @Test
    @Order(1)
    void shouldReportNumFoundAndTopKAgreementForEveryLoggedSelect() throws Exception {
        List<ShadowRecord> published = new CopyOnWriteArrayList<>();

        ReplaySummary summary = replay(LOG, published);

        assertThat(summary.reads()).as(summary.toText()).isEqualTo(4);
        assertThat(summary.skippedLines()).isEqualTo(2);
        assertThat(summary.agree()).as(summary.toText()).isEqualTo(4);
        assertThat(summary.clean()).isTrue();
        assertThat(published).hasSize(4).allSatisfy(r -> {
            assertThat(r.origin()).isEqualTo("replay");
            assertThat(r.outcomeValue()).isEqualTo(ShadowOutcome.AGREE);
            assertThat(r.newAnswer()).isEqualTo(r.oldAnswer());
        });
        assertThat(published.get(0).oldAnswer()).contains("\"ids\":[\"globex!");
    }

    @Test
    @Order(2)
    void shouldExplainADifferenceByLagWhenTheNewSideCatchesUp() throws Exception {
        try (Connection c = fixture.source(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO public.orders (id, tenant_id, customer, status, amount, created_at, note)"
                    + " VALUES (-7, 'globex', 'c7', 'new', 7.00, now(), 'lag')");
        }
        SolrInputDocument doc = new SolrInputDocument();
        doc.setField("id", "globex!-7");
        doc.setField("tenant_id", "globex");
        doc.setField(SolrDocuments.FENCE_FIELD, 1L);
        solr.add(OLD, doc);
        solr.commit(OLD);
        List<ShadowRecord> published = new CopyOnWriteArrayList<>();

        ReplaySummary summary = replay(LOG.lines().findFirst().orElseThrow(), published);

        assertThat(summary.explainedByLag()).as(summary.toText()).isEqualTo(1);
        assertThat(summary.clean()).isTrue();
        ShadowRecord r = published.get(0);
        assertThat(r.detail()).contains("globex!-7").contains("equal once the new side had applied up to");
        assertThat(r.newPosition()).matches("[0-9A-F]+/[0-9A-F]+");
        assertThat(r.newAnswer()).contains("globex!-7");
    }

    @Test
    @Order(3)
    void shouldReportAMismatchWhenADocumentIsRemovedFromTheNewCollection() throws Exception {
        SolrQuery top = new SolrQuery("tenant_id:globex").setSort("id", SolrQuery.ORDER.asc).setRows(3)
                .addFilterQuery("-" + SolrDocuments.DELETED_FIELD + ":true");
        String victim = (String) solr.query(newCollection, top).getResults().get(2).getFieldValue("id");
        solr.deleteByQuery(newCollection, "{!term f=id}" + victim);
        solr.commit(newCollection);
        List<ShadowRecord> published = new CopyOnWriteArrayList<>();

        ReplaySummary summary = replay(LOG, published);

        assertThat(summary.mismatch()).as(summary.toText()).isGreaterThanOrEqualTo(2);
        assertThat(summary.clean()).isFalse();
        ShadowRecord first = summary.mismatches().get(0);
        assertThat(first.query()).contains("q=tenant_id:globex");
        assertThat(first.detail()).contains("numFound").contains("still, with the new side applied up to");
        assertThat(first.oldAnswer()).contains(victim);
        assertThat(first.newAnswer()).doesNotContain("\"" + victim + "\"");
        assertThat(summary.toText()).contains("mismatch").contains(victim);
    }
}
