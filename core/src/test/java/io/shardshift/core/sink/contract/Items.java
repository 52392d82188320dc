package io.shardshift.core.sink.contract;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.SourcePosition;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.IndexDef;
import io.shardshift.core.schema.TableSchema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The table the sink tests write, {@code public.items(id bigint, name text, qty integer, note varchar(20))}, and its events. */
public final class Items {
    public static final TableId ID = new TableId("public", "items");
    public static final TableSchema SCHEMA = new TableSchema(ID,
            List.of(new ColumnDef("id", "bigint", true), new ColumnDef("name", "text", false),
                    new ColumnDef("qty", "integer", false), new ColumnDef("note", "character varying(20)", false)),
            List.of("id"), List.of(new IndexDef("items_name_idx", false, "btree", List.of("name"))), true);

    private Items() {
    }

    /** The row image {@code id, name, qty, note}. */
    public static Map<String, String> row(long id, String name, String qty) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", Long.toString(id));
        row.put("name", name);
        row.put("qty", qty);
        row.put("note", null);
        return row;
    }

    public static Map<String, String> key(long id) {
        return Map.of("id", Long.toString(id));
    }

    /** A streamed insert at an LSN. */
    public static ChangeEvent create(long id, String name, String qty, long lsn) {
        return ChangeEvent.create(ID, key(id), row(id, name, qty), streamed(lsn));
    }

    /** A streamed update at an LSN. */
    public static ChangeEvent update(long id, String name, String qty, long lsn) {
        return ChangeEvent.update(ID, key(id), null, row(id, name, qty), streamed(lsn));
    }

    /** A streamed delete at an LSN. */
    public static ChangeEvent delete(long id, long lsn) {
        return ChangeEvent.delete(ID, key(id), row(id, null, null), streamed(lsn));
    }

    /** A snapshot row read at a consistent point. */
    public static ChangeEvent snapshot(long id, String name, String qty, long consistentPoint) {
        return ChangeEvent.read(ID, key(id), row(id, name, qty), SourcePosition.snapshotAt(consistentPoint, 1L));
    }

    public static SourcePosition streamed(long lsn) {
        return SourcePosition.streamed(lsn, lsn / 10, 1_700_000_000_000L + lsn);
    }
}
