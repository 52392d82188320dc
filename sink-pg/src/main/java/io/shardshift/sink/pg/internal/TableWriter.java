package io.shardshift.sink.pg.internal;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.schema.ColumnDef;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Runs the set-based statements of one table on a connection: every column of a batch goes as one array.
 */
public final class TableWriter {
    private final TableSql sql;
    private final String tombstoneName;
    private final boolean[] isKey;

    public TableWriter(TableSql sql) {
        this.sql = sql;
        this.tombstoneName = Names.tombstoneTableName(sql.table().id());
        this.isKey = new boolean[sql.table().columns().size()];
        sql.keyPositions().forEach(p -> isKey[p] = true);
    }

    public TableSql sql() {
        return sql;
    }

    /**
     * Writes events of one kind (each key at most once) and returns how many rows changed: rows inserted
     * or updated, or rows deleted. The rest were stale or blocked by a tombstone.
     */
    public int write(Connection c, WriteKind kind, List<ChangeEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        return switch (kind) {
            case TRUNCATE -> truncate(c, events);
            case UPSERT -> writeRows(c, sql.upsert(), events);
            case SNAPSHOT_INSERT -> writeRows(c, sql.snapshotInsert(), events);
            case DELETE -> delete(c, events);
        };
    }

    private int writeRows(Connection c, String statement, List<ChangeEvent> events) throws SQLException {
        List<ColumnDef> cols = sql.table().columns();
        int n = events.size();
        String[][] values = new String[cols.size()][n];
        Long[] fences = new Long[n];
        for (int i = 0; i < n; i++) {
            ChangeEvent e = events.get(i);
            for (int j = 0; j < values.length; j++) {
                String name = cols.get(j).name();
                values[j][i] = isKey[j] ? keyValue(e, name) : e.valueOf(name);
            }
            fences[i] = e.position().fence();
        }
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            bind(c, ps, values, fences);
            return ps.executeUpdate();
        }
    }

    /** Applies the newest truncate of the events: deletes older rows, raises the truncate fence. */
    private int truncate(Connection c, List<ChangeEvent> events) throws SQLException {
        long fence = events.stream().mapToLong(e -> e.position().fence()).max().orElseThrow();
        int deleted;
        try (PreparedStatement ps = c.prepareStatement(sql.truncateRows())) {
            ps.setLong(1, fence);
            deleted = ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(sql.truncateFence())) {
            ps.setString(1, tombstoneName);
            ps.setLong(2, fence);
            ps.setString(3, tombstoneName);
            ps.setLong(4, fence);
            ps.execute();
        }
        return deleted;
    }

    private int delete(Connection c, List<ChangeEvent> events) throws SQLException {
        List<Integer> keys = sql.keyPositions();
        int n = events.size();
        String[][] values = new String[keys.size()][n];
        Long[] fences = new Long[n];
        for (int i = 0; i < n; i++) {
            ChangeEvent e = events.get(i);
            for (int k = 0; k < keys.size(); k++) {
                values[k][i] = keyValue(e, sql.table().columns().get(keys.get(k)).name());
            }
            fences[i] = e.position().fence();
        }
        try (PreparedStatement ps = c.prepareStatement(sql.delete())) {
            bind(c, ps, values, fences);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Binds one {@code text[]} per column, the {@code bigint[]} of fences and the tombstone table name. */
    private void bind(Connection c, PreparedStatement ps, String[][] columns, Long[] fences) throws SQLException {
        int p = 1;
        for (String[] column : columns) {
            ps.setArray(p++, c.createArrayOf("text", column));
        }
        ps.setArray(p++, c.createArrayOf("int8", fences));
        ps.setString(p, tombstoneName);
    }

    /** A key value as the tombstone stores it: {@code null} becomes empty, as in {@link ChangeEvent#keyValues()}. */
    private static String keyValue(ChangeEvent e, String column) {
        String v = e.key().get(column);
        return v == null ? "" : v;
    }
}
