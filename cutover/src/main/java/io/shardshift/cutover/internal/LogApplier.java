package io.shardshift.cutover.internal;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.sql.SqlIdentifiers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a target's reverse log ({@link ReverseLog}) and applies entries to the source, in the order given
 * (the replicator merges the targets' logs first, see {@link LogMerge}): an upsert per
 * logged insert or update, and a delete that applies only where the source row still has the deleted row's
 * shard key value, so a row that moved to another target meanwhile is not deleted by its old target's late
 * entry.
 */
final class LogApplier {
    /** The most entries read at once. */
    static final int BATCH = 5000;

    private final MigrationSpec spec;
    private final Map<String, TableSchema> byName;

    /**
     * One logged write.
     *
     * @param target   the target whose log holds it
     * @param seq      its place in that target's log
     * @param loggedAt when it was logged, by the target's clock, in microseconds since the epoch
     */
    record Entry(String target, long seq, long loggedAt, String table, String op, String json) {
    }

    LogApplier(MigrationSpec spec, List<TableSchema> tables) {
        this.spec = spec;
        this.byName = tables.stream().collect(Collectors.toMap(t -> t.id().toString(), t -> t));
    }

    /** Up to {@link #BATCH} entries of the target {@code name} with {@code after < seq <= upTo}, in seq order. */
    static List<Entry> read(Connection target, String name, long after, long upTo) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement ps = target.prepareStatement("SELECT seq, " + LogHorizon.micros("logged_at")
                + ", table_name, op, row_json::text FROM " + ReverseLog.LOG_TABLE
                + " WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT " + BATCH)) {
            ps.setLong(1, after);
            ps.setLong(2, upTo);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(name, rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5)));
                }
            }
        }
        return out;
    }

    /** Applies entries in order, batching runs of the same statement. */
    void apply(Connection source, List<Entry> entries) throws SQLException {
        int i = 0;
        while (i < entries.size()) {
            Entry first = entries.get(i);
            TableSchema t = byName.get(first.table());
            if (t == null) {
                throw new SQLException("reverse log entry " + first.seq() + " names table " + first.table()
                        + " which this migration does not move");
            }
            boolean delete = "DELETE".equals(first.op());
            try (PreparedStatement ps = source.prepareStatement(delete ? delete(t) : upsert(t))) {
                int j = i;
                while (j < entries.size() && entries.get(j).table().equals(first.table())
                        && "DELETE".equals(entries.get(j).op()) == delete) {
                    ps.setString(1, entries.get(j).json());
                    ps.addBatch();
                    j++;
                }
                ps.executeBatch();
                i = j;
            }
        }
    }

    /** Deletes the entries up to a seq from a target's log (once they are on the source). */
    static void purge(Connection target, long upTo) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("DELETE FROM " + ReverseLog.LOG_TABLE + " WHERE seq <= ?")) {
            ps.setLong(1, upTo);
            ps.executeUpdate();
        }
    }

    /** Writes in a target's log above a seq. */
    static long countAfter(Connection target, long after) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT count(*) FROM " + ReverseLog.LOG_TABLE + " WHERE seq > ?")) {
            ps.setLong(1, after);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String upsert(TableSchema t) {
        String cols = t.columnNames().stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
        String pk = t.primaryKey().stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
        String set = t.columnNames().stream().filter(c -> !t.primaryKey().contains(c))
                .map(c -> SqlIdentifiers.quote(c) + " = EXCLUDED." + SqlIdentifiers.quote(c)).collect(Collectors.joining(", "));
        return "INSERT INTO " + ReverseLog.name(t) + " (" + cols + ") SELECT " + cols + " FROM jsonb_populate_record(NULL::"
                + ReverseLog.name(t) + ", ?::jsonb) ON CONFLICT (" + pk + ") DO " + (set.isEmpty() ? "NOTHING" : "UPDATE SET " + set);
    }

    private String delete(TableSchema t) {
        String match = t.primaryKey().stream().map(SqlIdentifiers::quote).map(c -> "t." + c + " = r." + c)
                .collect(Collectors.joining(" AND "));
        String shardKey = SqlIdentifiers.quote(spec.shardKeyOf(t.id()));
        return "DELETE FROM " + ReverseLog.name(t) + " t USING jsonb_populate_record(NULL::" + ReverseLog.name(t)
                + ", ?::jsonb) r WHERE " + match + " AND t." + shardKey + " IS NOT DISTINCT FROM r." + shardKey;
    }
}
