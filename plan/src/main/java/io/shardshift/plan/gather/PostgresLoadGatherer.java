package io.shardshift.plan.gather;

import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.SourceSpec;
import io.shardshift.core.sql.SqlIdentifiers;
import io.shardshift.plan.TenantLoad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures the source database's load per shard key value: rows, bytes and write rate.
 *
 * <p>How: at the start of the window it reads each table's {@code pg_stat_user_tables} counters and the
 * current transaction id {@code x0}; at the end, in one transaction with id {@code x1}, it reads the counters
 * again and scans each table once, grouping by the shard key: {@code count(*)},
 * {@code sum(pg_column_size(t.*))}, and the rows whose {@code xmin} is younger than {@code x0} (written by a
 * transaction that committed during the window). The write rate of a tenant is those rows over the window:
 * inserts and updates, a row written several times counting once, deletes not seen. A table's rate is the
 * larger of that sum and the growth of the statistics' {@code n_tup_ins + n_tup_upd + n_tup_del}, which
 * counts every write but may lag by some seconds. A table with more than {@code maxScanRows} rows (by
 * {@code pg_class.reltuples}) is read with {@code TABLESAMPLE SYSTEM} and the counts scaled up.
 */
public final class PostgresLoadGatherer {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresLoadGatherer.class);

    /** Opens a connection to the source. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    private final Connector connector;
    private final long maxScanRows;

    /**
     * @param connector   opens connections to the source
     * @param maxScanRows tables with more rows than this are sampled
     */
    public PostgresLoadGatherer(Connector connector, long maxScanRows) {
        if (maxScanRows < 1) {
            throw new IllegalArgumentException("maxScanRows must be at least 1, was " + maxScanRows);
        }
        this.connector = connector;
        this.maxScanRows = maxScanRows;
    }

    /** A gatherer for the spec's source; tables over five million rows are sampled. */
    public static PostgresLoadGatherer of(SourceSpec source) {
        return new PostgresLoadGatherer(() -> DriverManager.getConnection(source.jdbcUrl(), source.user(),
                source.password()), 5_000_000);
    }

    /**
     * Watches the tables for {@code window}, then measures them.
     *
     * @throws IllegalArgumentException naming the table when a table or its shard key column does not exist
     */
    public PostgresLoad gather(List<ShardedTable> tables, Duration window) throws SQLException, InterruptedException {
        Map<TableId, long[]> start = new LinkedHashMap<>();
        long x0;
        try (Connection c = connector.open()) {
            c.setAutoCommit(true);
            for (ShardedTable t : tables) {
                requireColumn(c, t);
                start.put(t.table(), counters(c, t.table()));
            }
            x0 = currentTxid(c);
        }
        long startNanos = System.nanoTime();
        LOG.info("Watching writes on {} table(s) for {} s", tables.size(), window.toSeconds());
        Thread.sleep(window.toMillis());
        List<TableLoad> loads = new ArrayList<>();
        try (Connection c = connector.open()) {
            c.setAutoCommit(false);
            try {
                long x1 = currentTxid(c);
                double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
                long youngerThan = Math.min(Integer.MAX_VALUE, Math.max(1, x1 - x0));
                for (ShardedTable t : tables) {
                    loads.add(measure(c, t, start.get(t.table()), youngerThan, seconds));
                }
            } finally {
                c.rollback();
            }
        }
        return new PostgresLoad(loads, window);
    }

    private TableLoad measure(Connection c, ShardedTable t, long[] start, long youngerThan, double seconds)
            throws SQLException {
        long[] end = counters(c, t.table());
        double fraction = sampleFraction(c, t.table(), end[1]);
        String sample = fraction >= 1.0 ? ""
                : String.format(Locale.ROOT, " TABLESAMPLE SYSTEM (%.6f)", fraction * 100);
        String sql = "SELECT COALESCE(CAST(t." + SqlIdentifiers.quote(t.shardKey()) + " AS text), ''), count(*),"
                + " COALESCE(sum(pg_column_size(t.*)), 0), count(*) FILTER (WHERE age(t.xmin) < ?)"
                + " FROM " + t.table().quoted() + " AS t" + sample + " GROUP BY 1";
        List<TenantLoad> tenants = new ArrayList<>();
        double written = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, (int) youngerThan);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double rowsWritten = rs.getLong(4) / fraction;
                    written += rowsWritten;
                    tenants.add(new TenantLoad(rs.getString(1), Math.round(rs.getLong(2) / fraction),
                            Math.round(rs.getLong(3) / fraction), rowsWritten / seconds));
                }
            }
        }
        double statsRate = Math.max(0, end[0] - start[0]) / seconds;
        LOG.debug("{}: {} shard key values, {} rows written in the window, statistics rate {}/s",
                t.table(), tenants.size(), written, statsRate);
        return new TableLoad(t.table(), t.shardKey(), tenants, end[1], end[2], Math.max(statsRate, written / seconds),
                Math.min(1.0, fraction));
    }

    private double sampleFraction(Connection c, TableId table, long liveTuples) throws SQLException {
        double estimate;
        try (PreparedStatement ps = c.prepareStatement("SELECT reltuples FROM pg_class WHERE oid = CAST(? AS regclass)")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                estimate = rs.next() ? rs.getDouble(1) : -1;
            }
        }
        if (estimate < 0) {
            estimate = liveTuples;
        }
        return estimate <= maxScanRows ? 1.0 : maxScanRows / estimate;
    }

    /** {@code [n_tup_ins + n_tup_upd + n_tup_del, n_live_tup, n_dead_tup]}. */
    private static long[] counters(Connection c, TableId table) throws SQLException {
        String sql = "SELECT n_tup_ins + n_tup_upd + n_tup_del, n_live_tup, n_dead_tup FROM pg_stat_user_tables"
                + " WHERE relid = CAST(? AS regclass)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("table " + table + ": no statistics in pg_stat_user_tables");
                }
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        }
    }

    private static void requireColumn(Connection c, ShardedTable t) throws SQLException {
        String sql = "SELECT count(*) FROM pg_attribute WHERE attrelid = CAST(? AS regclass) AND attname = ?"
                + " AND attnum > 0 AND NOT attisdropped";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, t.table().quoted());
            ps.setString(2, t.shardKey());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    throw new IllegalArgumentException("table " + t.table() + " has no shard key column '" + t.shardKey() + "'");
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                throw new IllegalArgumentException("table " + t.table() + " does not exist in the source database", e);
            }
            throw e;
        }
    }

    private static long currentTxid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT txid_current()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
