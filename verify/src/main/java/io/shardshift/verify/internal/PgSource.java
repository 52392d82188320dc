package io.shardshift.verify.internal;

import io.shardshift.core.event.Lsn;
import io.shardshift.verify.VerifyException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads one source table for the verifier over one connection (owned by the caller). */
public final class PgSource {
    private final Connection connection;
    private final VerifySql sql;

    /**
     * Rows read with their keys locked, and the source WAL position taken while they were locked.
     *
     * @param rows the rows found, by key
     * @param lsn  {@code pg_current_wal_lsn()} inside the locking transaction
     */
    public record Locked<T>(Map<RowKey, T> rows, long lsn) {
    }

    public PgSource(Connection connection, VerifySql sql) {
        this.connection = connection;
        this.sql = sql;
    }

    /** Splits the table (or the tenant's rows) into chunks of {@code chunkRows} keys, in key order. */
    public List<KeyRange> plan(int chunkRows, String tenant) {
        List<KeyRange> ranges = new ArrayList<>();
        plan(chunkRows, tenant, ranges::add);
        return ranges;
    }

    /**
     * Splits the table (or the tenant's rows) into chunks of {@code chunkRows} keys, handing each chunk to
     * {@code out} as soon as its bound is known (so comparing can start while planning goes on).
     */
    public void plan(int chunkRows, String tenant, java.util.function.Consumer<KeyRange> out) {
        List<String> after = null;
        try {
            while (true) {
                List<String> upTo = null;
                try (PreparedStatement ps = connection.prepareStatement(sql.boundary(after != null, tenant != null))) {
                    int i = Binds.range(ps, 1, new KeyRange(after, null), tenant);
                    ps.setLong(i, chunkRows - 1L);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            upTo = new ArrayList<>();
                            for (int k = 1; k <= sql.keySize(); k++) {
                                upTo.add(rs.getString(k));
                            }
                        }
                    }
                }
                out.accept(new KeyRange(after, upTo));
                if (upTo == null) {
                    return;
                }
                after = upTo;
            }
        } catch (SQLException e) {
            throw failure("planning chunks after key " + after, e);
        }
    }

    /** The checksum of a chunk per shard key value. */
    public Map<String, ChunkSum> chunkSums(KeyRange range, String tenant) {
        return ChunkSums.read(connection, sql, range, tenant, false, () -> "source, " + sql.table().id() + " chunk " + range);
    }

    /** Every row of a chunk. */
    public Map<RowKey, SourceRow> rows(KeyRange range, String tenant) {
        try (PreparedStatement ps = connection.prepareStatement(sql.rows(range, tenant != null, false))) {
            Binds.range(ps, 1, range, tenant);
            return read(ps);
        } catch (SQLException e) {
            throw failure("reading rows of chunk " + range, e);
        }
    }

    /** Every column (as text, by name) of a chunk's rows, by key. */
    public Map<RowKey, Map<String, String>> fullRows(KeyRange range, String tenant) {
        Map<RowKey, Map<String, String>> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(sql.fullRows(range, tenant != null))) {
            Binds.range(ps, 1, range, tenant);
            List<String> names = sql.table().columnNames();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int c = 0; c < names.size(); c++) {
                        row.put(names.get(c), rs.getString(c + 1));
                    }
                    List<String> keyValues = sql.table().primaryKey().stream().map(row::get).toList();
                    out.put(new RowKey(keyValues, rs.getString(names.size() + 1)), row);
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("reading full rows of chunk " + range, e);
        }
    }

    /** The rows of these keys, locked {@code FOR SHARE} while the WAL position is taken. */
    public Locked<SourceRow> rowsForShare(Collection<RowKey> keys) {
        return inTransaction(() -> {
            try (PreparedStatement ps = connection.prepareStatement(sql.rowsByKeys(false, true))) {
                Binds.keys(connection, ps, 1, keys, sql.keySize());
                return read(ps);
            }
        }, "re-reading " + keys.size() + " keys");
    }

    /** Every column (as text, by name) of these keys' rows, locked {@code FOR SHARE} while the WAL position is taken. */
    public Locked<Map<String, String>> fullRowsForShare(Collection<RowKey> keys) {
        Map<List<String>, RowKey> byValues = new HashMap<>();
        keys.forEach(k -> byValues.put(k.values(), k));
        return inTransaction(() -> {
            Map<RowKey, Map<String, String>> out = new LinkedHashMap<>();
            try (PreparedStatement ps = connection.prepareStatement(sql.fullRowsForShare())) {
                Binds.keys(connection, ps, 1, keys, sql.keySize());
                List<String> names = sql.table().columnNames();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, String> row = new LinkedHashMap<>();
                        for (int c = 0; c < names.size(); c++) {
                            row.put(names.get(c), rs.getString(c + 1));
                        }
                        List<String> keyValues = sql.table().primaryKey().stream().map(row::get).toList();
                        out.put(byValues.getOrDefault(keyValues, new RowKey(keyValues, keyValues.toString())), row);
                    }
                }
            }
            return out;
        }, "reading " + keys.size() + " rows to repair");
    }

    private interface Body<T> {
        Map<RowKey, T> run() throws SQLException;
    }

    private <T> Locked<T> inTransaction(Body<T> body, String what) {
        try {
            connection.setAutoCommit(false);
            try {
                Map<RowKey, T> rows = body.run();
                long lsn;
                try (Statement st = connection.createStatement();
                     ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                    rs.next();
                    lsn = Lsn.parse(rs.getString(1));
                }
                connection.commit();
                return new Locked<>(rows, lsn);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private Map<RowKey, SourceRow> read(PreparedStatement ps) throws SQLException {
        Map<RowKey, SourceRow> out = new LinkedHashMap<>();
        int n = sql.keySize();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<String> values = new ArrayList<>(n);
                for (int k = 1; k <= n; k++) {
                    values.add(rs.getString(k));
                }
                RowKey key = new RowKey(values, rs.getString(n + 1));
                out.put(key, new SourceRow(key, rs.getString(n + 2), rs.getString(n + 3)));
            }
        }
        return out;
    }

    private VerifyException failure(String what, SQLException e) {
        return new VerifyException("verify of " + sql.table().id() + " on the source failed while " + what + ": "
                + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", e);
    }
}
