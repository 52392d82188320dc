package io.shardshift.sink.solr;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.SourcePosition;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.RejectedEvent;
import io.shardshift.devstack.DevSolr;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrDocumentList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SolrTargetSinkIT {
    private static DevSolr solr;
    private static CloudSolrClient client;

    @BeforeAll
    static void startSolr() {
        solr = SharedSolr.get();
        client = solr.client();
    }

    @Test
    void shouldHoldExactlyTheLiveRowsAfterBackfillInterleavedWithStream() throws Exception {
        SolrTargetConfig config = provision("mixed");
        MixedStream stream = MixedStream.generate(new Random(42), 300, 400);

        try (SolrTargetSink sink = new SolrTargetSink(config, Orders.SCHEMA, client)) {
            for (List<ChangeEvent> batch : stream.batches()) {
                assertThat(sink.apply(batch)).isEmpty();
            }
        }

        Map<String, Map<String, String>> expected = stream.liveRows();
        // each shard of the collection makes its updates visible on its own commit (commitWithin), so the count
        // can match for a moment while one shard still shows an old add and another misses a new one
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(allViaAlias("mixed").keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet()));
        Map<String, SolrDocument> actual = allViaAlias("mixed");
        for (Map.Entry<String, Map<String, String>> e : expected.entrySet()) {
            assertMatches(actual.get(e.getKey()), e.getValue(), stream.fenceOf(e.getKey()));
        }
        for (String deleted : stream.deletedIds()) {
            SolrDocument tombstone = client.getById("mixed_v1", deleted);
            assertThat((Object) tombstone).as("tombstone of %s", deleted).isNotNull();
            assertThat(tombstone.getFieldValue("_ss_deleted")).isEqualTo(true);
            assertThat(tombstone.getFieldValue("_ss_lsn")).isEqualTo(stream.fenceOf(deleted));
        }
        assertThat(stream.deletedIds()).isNotEmpty();
    }

    @Test
    void shouldNeverLetStaleAddsDeletesOrReplaysChangeADocument() {
        SolrTargetConfig config = provision("stale");
        Map<String, String> a1 = Orders.row("acme", 1, 1);
        Map<String, String> a1v2 = Orders.row("acme", 1, 2);
        Map<String, String> a2 = Orders.row("acme", 2, 3);
        List<ChangeEvent> fresh = List.of(
                Orders.insert(a1, 100), Orders.insert(a2, 110), Orders.update(a1, a1v2, 200), Orders.delete(a2, 300));
        List<ChangeEvent> stale = List.of(
                Orders.update(a1, Orders.row("acme", 1, 9), 150),
                Orders.delete(a1v2, 199),
                Orders.insert(Orders.row("acme", 2, 8), 250),
                Orders.snapshot(Orders.row("acme", 1, 7)),
                Orders.snapshot(Orders.row("acme", 2, 6)));

        try (SolrTargetSink sink = new SolrTargetSink(config, Orders.SCHEMA, client)) {
            assertThat(sink.apply(fresh)).isEmpty();
            assertThat(sink.apply(stale)).isEmpty();
            for (ChangeEvent e : stale) {
                assertThat(sink.apply(List.of(e))).isEmpty();
            }
            assertThat(sink.apply(fresh)).isEmpty();
        }

        SolrDocument doc = realTimeGet(config, "acme!1");
        assertMatches(doc, a1v2, 200L);
        SolrDocument tombstone = realTimeGet(config, "acme!2");
        assertThat(tombstone.getFieldValue("_ss_deleted")).isEqualTo(true);
        assertThat(tombstone.getFieldValue("_ss_lsn")).isEqualTo(300L);
        await().atMost(Duration.ofSeconds(30)).until(() -> countViaAlias("stale") == 1);
        assertThat(allViaAlias("stale")).containsOnlyKeys("acme!1");
    }

    @Test
    void shouldRemoveDocumentsOlderThanATruncateAndKeepOutOlderStragglersAndLateSnapshotRows() throws Exception {
        SolrTargetConfig config = provision("truncated");
        Map<String, String> a1 = Orders.row("acme", 1, 1);
        Map<String, String> a2 = Orders.row("acme", 2, 2);
        Map<String, String> a2v2 = Orders.row("acme", 2, 22);
        Map<String, String> a4 = Orders.row("globex", 4, 4);
        ChangeEvent truncate = ChangeEvent.truncate(Orders.TABLE, SourcePosition.streamed(200, 20, 1_700_000_000_000L));

        try (SolrTargetSink sink = new SolrTargetSink(config, Orders.SCHEMA, client)) {
            assertThat(sink.apply(List.of(Orders.insert(a1, 100), Orders.insert(a2, 110),
                    Orders.snapshot(Orders.row("acme", 3, 3)), Orders.delete(Orders.row("acme", 9, 9), 120)))).isEmpty();
            assertThat(sink.apply(List.of(Orders.update(a1, Orders.row("acme", 1, 11), 150), truncate,
                    Orders.insert(a4, 250)))).isEmpty();
            assertThat(sink.apply(List.of(Orders.insert(Orders.row("acme", 5, 5), 180),
                    Orders.snapshot(Orders.row("acme", 6, 6)), Orders.update(a2, a2v2, 300)))).isEmpty();
            assertThat(sink.apply(List.of(truncate))).as("a replayed truncate").isEmpty();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(allViaAlias("truncated")).containsOnlyKeys("globex!4", "acme!2"));
        assertMatches(realTimeGet(config, "acme!2"), a2v2, 300L);
        for (String gone : List.of("acme!1", "acme!3", "acme!5", "acme!6", "acme!9")) {
            assertThat((Object) realTimeGet(config, gone)).as(gone).isNull();
        }
    }

    @Test
    void shouldRejectValuesTheirFieldCannotHoldAndApplyTheRest() {
        SolrTargetConfig config = Orders.config(solr.zkHost(), "badvalue", 1, 2)
                .withCommitWithinMs(200)
                .withFields(List.of(
                        SolrTargetConfig.FieldMapping.of("tenant_id"),
                        SolrTargetConfig.FieldMapping.of("id"),
                        new SolrTargetConfig.FieldMapping("status", "status_code", "pint"),
                        SolrTargetConfig.FieldMapping.of("note")));
        SolrProvisioner provisioner = new SolrProvisioner(client);
        provisioner.createCollection(config, Orders.SCHEMA);
        provisioner.pointAlias(config);
        List<ChangeEvent> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Map<String, String> row = Orders.row("t" + (i % 4), i, i);
            row.put("status", Integer.toString(i));
            if (i == 7) {
                row.put("status", "seven");
            }
            if (i == 23) {
                row.put("note", "x".repeat(40_000));
            }
            batch.add(Orders.insert(row, 1000 + i));
        }

        List<RejectedEvent> rejected;
        try (SolrTargetSink sink = new SolrTargetSink(config, Orders.SCHEMA, client)) {
            rejected = sink.apply(batch);
        }

        assertThat(rejected).hasSize(2);
        assertThat(rejected).allSatisfy(r -> assertThat(r.target()).isEqualTo("orders-search"));
        assertThat(rejected.get(0).event()).isEqualTo(batch.get(7));
        assertThat(rejected.get(0).reason()).contains("status", "'seven' is not a valid pint");
        assertThat(rejected.get(1).event()).isEqualTo(batch.get(23));
        assertThat(rejected.get(1).reason()).contains("t3!23", "note");
        await().atMost(Duration.ofSeconds(30)).until(() -> countViaAlias("badvalue") == 38);
        assertThat(allViaAlias("badvalue")).doesNotContainKeys("t3!7", "t3!23").containsKey("t0!0");
    }

    @Test
    void shouldMoveDocumentWhenAnUpdateChangesItsTenant() {
        TableId table = new TableId("public", "tickets");
        TableSchema schema = new TableSchema(table, List.of(new ColumnDef("id", "bigint", true),
                new ColumnDef("tenant_id", "text", true), new ColumnDef("title", "text", false)),
                List.of("id"), List.of(), true);
        SolrTargetConfig config = SolrTargetConfig.of("tickets-search", solr.zkHost(), "tickets", 1, 2,
                "public.tickets", "tenant_id").withCommitWithinMs(200);
        SolrProvisioner provisioner = new SolrProvisioner(client);
        provisioner.createCollection(config, schema);
        provisioner.pointAlias(config);
        Map<String, String> before = Map.of("id", "5", "tenant_id", "a", "title", "t");
        Map<String, String> after = Map.of("id", "5", "tenant_id", "b", "title", "t2");

        try (SolrTargetSink sink = new SolrTargetSink(config, schema, client)) {
            assertThat(sink.apply(List.of(ChangeEvent.create(table, Map.of("id", "5"), before, streamed(10))))).isEmpty();
            assertThat(sink.apply(List.of(ChangeEvent.update(table, Map.of("id", "5"), before, after, streamed(20)))))
                    .isEmpty();
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> countViaAlias("tickets") == 1);
        assertThat(allViaAlias("tickets")).containsOnlyKeys("b!5");
        assertThat(allViaAlias("tickets").get("b!5").getFieldValue("title")).isEqualTo("t2");
    }

    private static SourcePosition streamed(long lsn) {
        return SourcePosition.streamed(lsn, lsn, 0);
    }

    private static SolrTargetConfig provision(String base) {
        SolrTargetConfig config = Orders.config(solr.zkHost(), base, 1, 2).withCommitWithinMs(200);
        SolrProvisioner provisioner = new SolrProvisioner(client);
        provisioner.createCollection(config, Orders.SCHEMA);
        provisioner.pointAlias(config);
        return config;
    }

    private static SolrDocument realTimeGet(SolrTargetConfig config, String id) {
        try {
            return client.getById(config.collectionName(), id);
        } catch (Exception e) {
            throw new AssertionError("real-time get of " + id + " failed", e);
        }
    }

    private static long countViaAlias(String alias) throws Exception {
        return client.query(alias, new SolrQuery("*:*").setRows(0)).getResults().getNumFound();
    }

    private static Map<String, SolrDocument> allViaAlias(String alias) {
        try {
            SolrDocumentList docs = client.query(alias, new SolrQuery("*:*").setRows(10_000)).getResults();
            Map<String, SolrDocument> byId = new HashMap<>();
            docs.forEach(d -> byId.put((String) d.getFieldValue("id"), d));
            return byId;
        } catch (Exception e) {
            throw new AssertionError("query of " + alias + " failed", e);
        }
    }

    private static void assertMatches(SolrDocument doc, Map<String, String> row, long fence) {
        String id = row.get("tenant_id") + "!" + row.get("id");
        assertThat((Object) doc).as("document %s", id).isNotNull();
        assertThat(doc.getFieldValue("_ss_lsn")).as("fence of %s", id).isEqualTo(fence);
        assertThat(doc.getFieldValue("tenant_id")).isEqualTo(row.get("tenant_id"));
        assertThat(doc.getFieldValue("orders_id")).isEqualTo(Long.parseLong(row.get("id")));
        assertThat(doc.getFieldValue("status")).isEqualTo(row.get("status"));
        assertThat(doc.getFieldValue("total")).isEqualTo(Double.parseDouble(row.get("total")));
        assertThat(doc.getFieldValue("qty")).isEqualTo(Integer.parseInt(row.get("qty")));
        assertThat(doc.getFieldValue("paid")).isEqualTo("t".equals(row.get("paid")));
        assertThat(doc.getFieldValue("created_at")).isEqualTo(
                Date.from(OffsetDateTime.parse(row.get("created_at").replace(' ', 'T') + ":00").toInstant()));
        assertThat(doc.getFieldValue("note")).isEqualTo(row.get("note"));
        assertThat(doc.getFieldValue("_ss_deleted")).isNull();
    }
}
