package io.shardshift.verify.internal;

import io.shardshift.core.spec.Secrets;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.verify.VerifyException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads one table of a PostgreSQL target for the verifier, over its own connection. */
public final class PgTargetReader implements TargetReader {
    private final TargetSpec target;
    private final VerifySql sql;
    private final Connection connection;

    private PgTargetReader(TargetSpec target, VerifySql sql, Connection connection) {
        this.target = target;
        this.sql = sql;
        this.connection = connection;
    }

    /** Connects to the target. */
    public static PgTargetReader open(TargetSpec target, VerifySql sql) {
        try {
            return new PgTargetReader(target, sql, CanonicalSession.of(
                    DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password())));
        } catch (SQLException e) {
            throw new VerifyException(Secrets.maskCredentials("cannot connect to target " + target.name() + " ("
                    + target.jdbcUrl() + "): " + e.getMessage()), e);
        }
    }

    @Override
    public String name() {
        return target.name();
    }

    @Override
    public Map<String, ChunkSum> chunkSums(KeyRange range, String tenant) {
        return ChunkSums.read(connection, sql, range, tenant, true, () -> "target " + target.name() + ", " + sql.table().id()
                + " chunk " + range);
    }

    @Override
    public List<TargetRow> rows(KeyRange range, String tenant) {
        try (PreparedStatement ps = connection.prepareStatement(sql.rows(range, tenant != null, true))) {
            Binds.range(ps, 1, range, tenant);
            return read(ps);
        } catch (SQLException e) {
            throw failure("reading rows of chunk " + range, e);
        }
    }

    @Override
    public List<TargetRow> rowsByKeys(Collection<RowKey> keys) {
        try (PreparedStatement ps = connection.prepareStatement(sql.rowsByKeys(true, false))) {
            Binds.keys(connection, ps, 1, keys, sql.keySize());
            return read(ps);
        } catch (SQLException e) {
            throw failure("re-reading " + keys.size() + " keys", e);
        }
    }

    @Override
    public Map<RowKey, Long> tombstones(Collection<RowKey> keys) {
        Map<List<String>, RowKey> byValues = new HashMap<>();
        keys.forEach(k -> byValues.put(k.values(), k));
        try (PreparedStatement ps = connection.prepareStatement(sql.tombstones())) {
            int i = Binds.keys(connection, ps, 1, keys, sql.keySize());
            ps.setString(i, sql.table().id().toString());
            Map<RowKey, Long> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> values = Arrays.asList((String[]) rs.getArray(1).getArray());
                    RowKey key = byValues.get(values);
                    if (key != null) {
                        out.put(key, rs.getLong(2));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("reading tombstones of " + keys.size() + " keys", e);
        }
    }

    private List<TargetRow> read(PreparedStatement ps) throws SQLException {
        List<TargetRow> out = new ArrayList<>();
        int n = sql.keySize();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<String> values = new ArrayList<>(n);
                for (int k = 1; k <= n; k++) {
                    values.add(rs.getString(k));
                }
                out.add(new TargetRow(target.name(), new RowKey(values, rs.getString(n + 1)), rs.getString(n + 3),
                        rs.getLong(n + 4)));
            }
        }
        return out;
    }

    private VerifyException failure(String what, SQLException e) {
        return new VerifyException("verify of " + sql.table().id() + " on target " + target.name() + " failed while "
                + what + ": " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", e);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing a read-only connection; nothing to undo
        }
    }
}
