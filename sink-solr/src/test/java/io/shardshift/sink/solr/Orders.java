package io.shardshift.sink.solr;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.SourcePosition;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test fixture: an {@code orders} table keyed by (tenant_id, id), and events on it. */
final class Orders {
    static final TableId TABLE = new TableId("public", "orders");
    static final TableSchema SCHEMA = new TableSchema(TABLE, List.of(
            new ColumnDef("tenant_id", "text", true),
            new ColumnDef("id", "bigint", true),
            new ColumnDef("status", "character varying(20)", false),
            new ColumnDef("total", "numeric(12,2)", false),
            new ColumnDef("qty", "integer", false),
            new ColumnDef("paid", "boolean", false),
            new ColumnDef("created_at", "timestamp with time zone", false),
            new ColumnDef("note", "text", false)),
            List.of("tenant_id", "id"), List.of(), true);

    private Orders() {
    }

    /** A config for this table on a ZooKeeper-addressed cluster. */
    static SolrTargetConfig config(String zkHost, String collection, int version, int shards) {
        return SolrTargetConfig.of("orders-search", zkHost, collection, version, shards, "public.orders", "tenant_id");
    }

    /** A row; {@code n} varies the values. */
    static Map<String, String> row(String tenant, long id, int n) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("tenant_id", tenant);
        row.put("id", Long.toString(id));
        row.put("status", n % 3 == 0 ? "paid" : "open");
        row.put("total", (n % 1000) + ".25");
        row.put("qty", Integer.toString(n % 50));
        row.put("paid", n % 2 == 0 ? "t" : "f");
        row.put("created_at", "2024-03-0" + (1 + n % 9) + " 10:1" + (n % 10) + ":05.123+00");
        row.put("note", n % 5 == 0 ? null : "note " + n);
        return row;
    }

    static Map<String, String> key(String tenant, long id) {
        Map<String, String> key = new LinkedHashMap<>();
        key.put("tenant_id", tenant);
        key.put("id", Long.toString(id));
        return key;
    }

    static Map<String, String> keyOf(Map<String, String> row) {
        return key(row.get("tenant_id"), Long.parseLong(row.get("id")));
    }

    static ChangeEvent snapshot(Map<String, String> row) {
        return ChangeEvent.read(TABLE, keyOf(row), row, SourcePosition.snapshotAt(500, 1_700_000_000_000L));
    }

    static ChangeEvent insert(Map<String, String> row, long lsn) {
        return ChangeEvent.create(TABLE, keyOf(row), row, SourcePosition.streamed(lsn, lsn / 10, 1_700_000_000_000L));
    }

    static ChangeEvent update(Map<String, String> before, Map<String, String> after, long lsn) {
        return ChangeEvent.update(TABLE, keyOf(after), before, after, SourcePosition.streamed(lsn, lsn / 10, 1_700_000_000_000L));
    }

    static ChangeEvent delete(Map<String, String> before, long lsn) {
        return ChangeEvent.delete(TABLE, keyOf(before), before, SourcePosition.streamed(lsn, lsn / 10, 1_700_000_000_000L));
    }

    /** The document id the sink gives a row of a tenant that is not hot. */
    static String docId(String tenant, long id) {
        return tenant + "!" + id;
    }
}
