package io.shardshift.core.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One change of one row of a source table: the canonical event every part of Shardshift works with.
 * Converted from Debezium's envelope exactly once, in {@code cdc-source}, and never again.
 *
 * <p>Column values are carried as PostgreSQL's text form of the value ({@code null} for SQL NULL), so a
 * PostgreSQL target can cast them back to the column's own type without loss, and other targets can
 * parse them by the declared type.
 *
 * <pre>{@code
 * {"op":"u","table":"public.orders","key":{"id":"42"},
 *  "before":{"id":"42","tenant_id":"acme","total":"9.50"},
 *  "after":{"id":"42","tenant_id":"acme","total":"12.00"},
 *  "position":{"lsn":24023928,"txId":555,"commitMillis":1700000000000,"snapshot":false}}
 * }</pre>
 */
public final class ChangeEvent {
    private final Operation op;
    private final TableId table;
    private final Map<String, String> key;
    private final Map<String, String> before;
    private final Map<String, String> after;
    private final SourcePosition position;

    private ChangeEvent(Operation op, TableId table, Map<String, String> key, Map<String, String> before,
                        Map<String, String> after, SourcePosition position) {
        this.op = Objects.requireNonNull(op, "op");
        this.table = Objects.requireNonNull(table, "table");
        this.position = Objects.requireNonNull(position, "position");
        if (op == Operation.TRUNCATE) {
            if (key != null && !key.isEmpty() || before != null || after != null) {
                throw new IllegalArgumentException("TRUNCATE of " + table + " at " + position
                        + " must carry no key and no row image");
            }
        } else if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("event for " + table + " at " + position + " has no primary key");
        }
        if (op.isUpsert() && after == null) {
            throw new IllegalArgumentException(op + " event for " + table + " key " + key + " has no 'after' row");
        }
        this.key = key == null ? Map.of() : frozen(key);
        this.before = before == null ? null : frozen(before);
        this.after = after == null ? null : frozen(after);
    }

    /** A row read by a snapshot (backfill). */
    public static ChangeEvent read(TableId table, Map<String, String> key, Map<String, String> row, SourcePosition pos) {
        return new ChangeEvent(Operation.READ, table, key, null, row, pos);
    }

    /** A row inserted. */
    public static ChangeEvent create(TableId table, Map<String, String> key, Map<String, String> after, SourcePosition pos) {
        return new ChangeEvent(Operation.CREATE, table, key, null, after, pos);
    }

    /** A row updated; {@code before} may be {@code null} or partial, depending on the replica identity. */
    public static ChangeEvent update(TableId table, Map<String, String> key, Map<String, String> before,
                                     Map<String, String> after, SourcePosition pos) {
        return new ChangeEvent(Operation.UPDATE, table, key, before, after, pos);
    }

    /** A row deleted; {@code before} holds at least the primary key. */
    public static ChangeEvent delete(TableId table, Map<String, String> key, Map<String, String> before, SourcePosition pos) {
        return new ChangeEvent(Operation.DELETE, table, key, before, null, pos);
    }

    /**
     * A table truncated at a position: every row of the table whose change is older than the position is
     * gone. It has no key and no row image; on a change topic it is published once to every partition, so
     * each apply task sees it in order with the events of its keys.
     */
    public static ChangeEvent truncate(TableId table, SourcePosition pos) {
        return new ChangeEvent(Operation.TRUNCATE, table, Map.of(), null, null, pos);
    }

    /** Builds an event of any operation; used by decoders. */
    public static ChangeEvent of(Operation op, TableId table, Map<String, String> key, Map<String, String> before,
                                 Map<String, String> after, SourcePosition pos) {
        return new ChangeEvent(op, table, key, before, after, pos);
    }

    public Operation op() {
        return op;
    }

    public TableId table() {
        return table;
    }

    /** The primary key columns and values, in the table's key order; empty for a TRUNCATE. */
    public Map<String, String> key() {
        return key;
    }

    /** The key values in key order, e.g. {@code [acme, 42]}. */
    public List<String> keyValues() {
        return List.copyOf(key.values().stream().map(v -> v == null ? "" : v).toList());
    }

    /** The row before the change, or {@code null}. */
    public Map<String, String> before() {
        return before;
    }

    /** The row after the change, or {@code null} for a delete. */
    public Map<String, String> after() {
        return after;
    }

    public SourcePosition position() {
        return position;
    }

    /**
     * The value of a column in the newest row image this event has: {@code after}, else {@code before},
     * else the key. Returns {@code null} when no image has the column.
     */
    public String valueOf(String column) {
        if (after != null && after.containsKey(column)) {
            return after.get(column);
        }
        if (before != null && before.containsKey(column)) {
            return before.get(column);
        }
        return key.get(column);
    }

    /** Whether the {@code before} image (or the key) carries the column, so its old value is known. */
    public boolean hasBeforeValue(String column) {
        return (before != null && before.containsKey(column)) || key.containsKey(column);
    }

    /** The old value of a column from {@code before}, falling back to the key. */
    public String beforeValueOf(String column) {
        if (before != null && before.containsKey(column)) {
            return before.get(column);
        }
        return key.get(column);
    }

    private static Map<String, String> frozen(Map<String, String> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChangeEvent e && e.op == op && e.table.equals(table) && e.key.equals(key)
                && Objects.equals(e.before, before) && Objects.equals(e.after, after) && e.position.equals(position);
    }

    @Override
    public int hashCode() {
        return Objects.hash(op, table, key, position);
    }

    @Override
    public String toString() {
        return op + " " + table + " " + key + " at " + position;
    }
}
