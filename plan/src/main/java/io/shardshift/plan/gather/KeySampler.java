package io.shardshift.plan.gather;

import io.shardshift.core.sql.SqlIdentifiers;
import io.shardshift.plan.capacity.KeySample;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads a sample of real keys from a source table for the partition key strategy report: the shard key
 * value, the primary key (columns joined with {@code |}) and, when a time column is named, its time. A table
 * larger than three times the sample is read with {@code TABLESAMPLE SYSTEM}.
 */
public final class KeySampler {
    private final PostgresLoadGatherer.Connector connector;

    public KeySampler(PostgresLoadGatherer.Connector connector) {
        this.connector = connector;
    }

    /**
     * @param timeColumn a {@code timestamp}, {@code timestamptz} or {@code date} column, or null to stamp every
     *                   key with the time it was read
     * @param limit      the most keys to read
     * @throws IllegalArgumentException naming the table when it has no primary key
     */
    public List<KeySample> sample(ShardedTable table, String timeColumn, int limit) throws SQLException {
        if (limit < 1) {
            throw new IllegalArgumentException("sample size must be at least 1, was " + limit);
        }
        try (Connection c = connector.open()) {
            List<String> pk = primaryKey(c, table);
            double rows = estimatedRows(c, table);
            double fraction = rows > 3.0 * limit ? 3.0 * limit / rows : 1.0;
            String key = pk.stream().map(col -> "CAST(t." + SqlIdentifiers.quote(col) + " AS text)")
                    .collect(Collectors.joining(", ", "concat_ws('|', ", ")"));
            String time = timeColumn == null ? "NULL"
                    : "CAST(EXTRACT(EPOCH FROM t." + SqlIdentifiers.quote(timeColumn) + ") * 1000 AS bigint)";
            String sql = "SELECT COALESCE(CAST(t." + SqlIdentifiers.quote(table.shardKey()) + " AS text), ''), " + key
                    + ", " + time + " FROM " + table.table().quoted() + " AS t"
                    + (fraction < 1 ? String.format(Locale.ROOT, " TABLESAMPLE SYSTEM (%.6f)", fraction * 100) : "")
                    + " LIMIT ?";
            long now = System.currentTimeMillis();
            List<KeySample> sample = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long millis = rs.getLong(3);
                        sample.add(new KeySample(rs.getString(1), rs.getString(2), rs.wasNull() ? now : millis));
                    }
                }
            }
            return sample;
        }
    }

    private static List<String> primaryKey(Connection c, ShardedTable table) throws SQLException {
        String sql = "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                + " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = CAST(? AS regclass) AND i.indisprimary"
                + " ORDER BY array_position(CAST(i.indkey AS int2[]), a.attnum)";
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table.table().quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                throw new IllegalArgumentException("table " + table.table() + " does not exist in the source database", e);
            }
            throw e;
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + table.table() + " has no primary key");
        }
        return columns;
    }

    private static double estimatedRows(Connection c, ShardedTable table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT reltuples FROM pg_class WHERE oid = CAST(? AS regclass)")) {
            ps.setString(1, table.table().quoted());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getDouble(1) : -1;
            }
        }
    }
}
