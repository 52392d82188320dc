package io.shardshift.sink.solr.internal;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.Operation;
import io.shardshift.core.event.SourcePosition;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DocBuilderTest {
    private static final TableId TABLE = new TableId("public", "tickets");
    private static final TableSchema SCHEMA = new TableSchema(TABLE, List.of(
            new ColumnDef("id", "bigint", true), new ColumnDef("tenant_id", "text", true),
            new ColumnDef("qty", "integer", false)), List.of("id"), List.of(), true);
    private static final SolrTargetConfig CONFIG =
            SolrTargetConfig.of("s", "zk:2181", "tickets", 1, 2, "public.tickets", "tenant_id");
    private final DocBuilder builder = new DocBuilder("s", TABLE, FieldMap.resolve(CONFIG, SCHEMA),
            new DocIds(SCHEMA.primaryKey(), "tenant_id", Map.of()));

    @Test
    void shouldKeepPerIdWhatTheVersionGuardWouldKeep() {
        ChangeEvent update = upsert(Operation.UPDATE, "1", "a", "5", 200);
        ChangeEvent lateSnapshot = ChangeEvent.read(TABLE, Map.of("id", "1"), row("1", "a", "9"),
                SourcePosition.snapshotAt(50, 0));
        ChangeEvent staleUpdate = upsert(Operation.UPDATE, "1", "a", "7", 150);
        ChangeEvent firstSnapshot = ChangeEvent.read(TABLE, Map.of("id", "2"), row("2", "a", "1"),
                SourcePosition.snapshotAt(50, 0));
        ChangeEvent secondSnapshot = ChangeEvent.read(TABLE, Map.of("id", "2"), row("2", "a", "2"),
                SourcePosition.snapshotAt(60, 0));

        DocBuilder.Result result = builder.build(List.of(update, lateSnapshot, staleUpdate, firstSnapshot, secondSnapshot));

        assertThat(result.rejected()).isEmpty();
        assertThat(result.docs()).extracting(PendingDoc::event).containsExactly(update, firstSnapshot);
        assertThat(result.docs().get(0).doc().getFieldValue("qty")).isEqualTo(5);
        assertThat(result.docs().get(0).doc().getFieldValue("_ss_lsn")).isEqualTo(200L);
        assertThat(result.docs().get(1).doc().getFieldValue("_ss_lsn")).isEqualTo(0L);
    }

    @Test
    void shouldTurnDeletesIntoTombstonesCarryingTheirLsn() {
        ChangeEvent delete = ChangeEvent.delete(TABLE, Map.of("id", "1"), row("1", "a", "5"), streamed(300));

        PendingDoc doc = builder.build(List.of(upsert(Operation.CREATE, "1", "a", "5", 100), delete)).docs().get(0);

        assertThat(doc.id()).isEqualTo("a!1");
        assertThat(doc.doc().getFieldNames()).containsExactlyInAnyOrder("id", "_ss_lsn", "_ss_deleted");
        assertThat(doc.doc().getFieldValue("_ss_deleted")).isEqualTo(true);
        assertThat(doc.fence()).isEqualTo(300L);
    }

    @Test
    void shouldTombstoneTheOldIdWhenAnUpdateMovesTheRowToAnotherTenant() {
        ChangeEvent move = ChangeEvent.update(TABLE, Map.of("id", "1"), row("1", "a", "5"), row("1", "b", "5"), streamed(400));

        List<PendingDoc> docs = builder.build(List.of(move)).docs();

        assertThat(docs).extracting(PendingDoc::id).containsExactly("a!1", "b!1");
        assertThat(docs.get(0).doc().getFieldValue("_ss_deleted")).isEqualTo(true);
        assertThat(docs).allSatisfy(d -> assertThat(d.fence()).isEqualTo(400L));
    }

    @Test
    void shouldRejectBadValuesMissingShardKeysAndTruncatesButKeepTheRest() {
        ChangeEvent bad = upsert(Operation.CREATE, "1", "a", "lots", 100);
        ChangeEvent noTenant = ChangeEvent.delete(TABLE, Map.of("id", "2"), null, streamed(110));
        ChangeEvent good = upsert(Operation.CREATE, "3", "a", "1", 120);
        ChangeEvent otherTable = ChangeEvent.create(new TableId("public", "other"), Map.of("id", "4"),
                Map.of("id", "4"), streamed(130));

        DocBuilder.Result result = builder.build(List.of(bad, noTenant, good, otherTable));

        assertThat(result.docs()).extracting(PendingDoc::event).containsExactly(good);
        assertThat(result.rejected()).hasSize(2);
        assertThat(result.rejected().get(0).reason())
                .isEqualTo("table public.tickets key {id=1} at lsn=0/64,tx=100: column qty (Solr field qty): "
                        + "'lots' is not a valid pint");
        assertThat(result.rejected().get(1).reason()).contains("no value for shard key column tenant_id");
    }

    private static ChangeEvent upsert(Operation op, String id, String tenant, String qty, long lsn) {
        return ChangeEvent.of(op, TABLE, Map.of("id", id), null, row(id, tenant, qty), streamed(lsn));
    }

    private static Map<String, String> row(String id, String tenant, String qty) {
        return Map.of("id", id, "tenant_id", tenant, "qty", qty);
    }

    private static SourcePosition streamed(long lsn) {
        return SourcePosition.streamed(lsn, lsn, 0);
    }
}
