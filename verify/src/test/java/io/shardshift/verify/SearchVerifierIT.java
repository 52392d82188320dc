package io.shardshift.verify;

import io.shardshift.core.verify.CompareReport;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.testkit.DemoFixture;
import io.shardshift.testkit.DemoStack;
import io.shardshift.testkit.WriteLoad;
import io.shardshift.engine.lag.AppliedWatermark;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.core.verify.CompareReport.Kind;
import io.shardshift.sink.solr.SolrClients;
import io.shardshift.sink.solr.SolrDocuments;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Verify of a search target on a real migration (PostgreSQL source and targets, Kafka, SolrCloud) while a
 * write load goes on: a clean collection verifies clean; a document deleted, changed or added by hand in
 * Solr is reported with its document id and kind, and repair fixes each one.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SearchVerifierIT {
    static final VerifyOptions OPTS = VerifyOptions.defaults().withChunkRows(5_000).withRecheckTimeout(Duration.ofSeconds(60));
    static final String T0 = "timestamptz '2026-02-01 00:00:00+00'";
    static DemoFixture fixture;
    static DemoStack stack;
    static MigrationSpec spec;
    static WriteLoad load;
    static MigrationRunner runner;
    static SolrTargetConfig cfg;
    static CloudSolrClient solr;
    @TempDir
    static Path state;

    @BeforeAll
    static void startMigration() throws Exception {
        fixture = DemoFixture.start(true, 20_000);
        stack = fixture.stack();
        spec = stack.spec("search_verify_it", 500);
        load = fixture.startLoad(2, 100);
        runner = fixture.closing(MigrationRunner.start(spec, state));
        assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).as("backfill finished").isTrue();
        AppliedWatermark applied = runner.lag().watermark();
        applied.awaitApplied(applied.sourceWalLsn(), Duration.ofMinutes(2));
        cfg = runner.search().config("orders_search");
        solr = fixture.closing(SolrClients.forTarget(cfg));
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @Order(1)
    void shouldReportNoSearchMismatchOnACleanMigrationWhileWritesContinue() throws Exception {
        try (Verifier verifier = Verifier.inProcess(runner)) {
            VerifyReport report = verifier.verify(OPTS);
            assertThat(report.tables()).singleElement().satisfies(t -> {
                assertThat(t.search()).singleElement().satisfies(s -> {
                    assertThat(s.target()).isEqualTo("orders_search");
                    assertThat(s.collection()).isEqualTo("orders_v2");
                    assertThat(s.mismatches()).as(report.toText()).isEmpty();
                    assertThat(s.unsettled()).as(report.toText()).isEmpty();
                    assertThat(s.rowsCompared()).isGreaterThan(15_000);
                });
                assertThat(t.mismatches()).as(report.toText()).isEmpty();
            });
            assertThat(report.clean()).as(report.toText()).isTrue();
            assertThat(report.toJson()).contains("\"target\" : \"orders_search\"");
        }
    }

    @Test
    @Order(2)
    void shouldReportEachInjectedDocumentDivergenceWithItsIdAndRepairIt() throws Exception {
        try (Connection c = fixture.source(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO public.orders (id, tenant_id, customer, status, amount, created_at, note) VALUES "
                    + "(-1, 'globex', 'c1', 'new', 1.00, " + T0 + ", 'n1'), (-2, 'initech', 'c2', 'new', 2.00, " + T0 + ", 'n2')");
        }
        String coll = cfg.collectionName();
        await().atMost(Duration.ofSeconds(30)).until(() -> live("globex!-1") != null && live("initech!-2") != null);

        SolrDocument one = solr.getById(coll, "globex!-1");
        SolrInputDocument stale = new SolrInputDocument();
        one.getFieldNames().stream().filter(f -> !f.equals("_version_"))
                .forEach(f -> stale.setField(f, one.getFieldValue(f)));
        stale.setField("note", "tampered");
        stale.setField(SolrDocuments.FENCE_FIELD, ((Number) one.getFirstValue(SolrDocuments.FENCE_FIELD)).longValue() + 1);
        solr.add(coll, stale);
        solr.deleteByQuery(coll, "{!term f=id}initech!-2");
        SolrInputDocument extra = new SolrInputDocument();
        extra.setField("id", "umbrella!-100");
        extra.setField("tenant_id", "umbrella");
        extra.setField("customer", "x");
        extra.setField("status", "new");
        extra.setField("amount", 9.0);
        extra.setField("created_at", new Date(0));
        extra.setField("note", "not in the source");
        extra.setField(SolrDocuments.FENCE_FIELD, 5L);
        solr.add(coll, extra);
        solr.commit(coll);

        try (Verifier verifier = Verifier.inProcess(runner)) {
            VerifyReport found = verifier.verify(OPTS);
            VerifyReport.TableResult t = found.tables().get(0);
            assertThat(t.mismatches()).as(found.toText()).isEmpty();
            assertThat(t.search().get(0).mismatches()).as(found.toText())
                    .extracting(CompareReport.Mismatch::kind, CompareReport.Mismatch::key)
                    .containsExactlyInAnyOrder(tuple(Kind.DIFFERENT_VALUES, "globex!-1"),
                            tuple(Kind.MISSING_IN_TARGET, "initech!-2"), tuple(Kind.EXTRA_IN_TARGET, "umbrella!-100"));
            assertThat(found.toText()).contains("tampered", "orders_search");
            assertThat(found.clean()).isFalse();

            VerifyReport repaired = verifier.verify(OPTS.withRepair(true));
            assertThat(repaired.tables().get(0).search().get(0).repaired()).as(repaired.toText()).isEqualTo(3);
            assertThat(repaired.clean()).as(repaired.toText()).isTrue();

            VerifyReport after = verifier.verify(OPTS);
            assertThat(after.clean()).as(after.toText()).isTrue();
        }
        assertThat(live("globex!-1").getFirstValue("note")).isEqualTo("n1");
        assertThat(live("initech!-2").getFirstValue("note")).isEqualTo("n2");
        assertThat((Object) live("umbrella!-100")).isNull();
    }

    /** The live document of an id (real-time get: no commit needed), or null. */
    private static SolrDocument live(String id) throws Exception {
        SolrDocument d = solr.getById(cfg.collectionName(), id);
        return d == null || Boolean.TRUE.equals(d.getFirstValue(SolrDocuments.DELETED_FIELD)) ? null : d;
    }
}
