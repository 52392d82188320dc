package io.shardshift.client.shadow;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a read on the new layout's PostgreSQL targets through plain JDBC (the application's own driver and pools):
 * on the target a key routes to ({@link #queryOn}), or on every target with the rows merged ({@link #queryOnAll},
 * for any SQL whose rows may live anywhere, e.g. a range scan). Parameters are bound, never concatenated.
 */
public final class JdbcReads {
    private final Map<String, DataSource> targets;

    /** @param targets each new-layout target's name (as in the layout) and a data source on it */
    public JdbcReads(Map<String, DataSource> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets is empty: name at least one new-layout target");
        }
        this.targets = Map.copyOf(targets);
    }

    /** Runs {@code sql} with {@code params} on the named target. */
    public List<Map<String, Object>> queryOn(String target, String sql, Object... params) {
        DataSource ds = targets.get(target);
        if (ds == null) {
            throw new IllegalArgumentException("no data source for target '" + target + "' (known: "
                    + new java.util.TreeSet<>(targets.keySet()) + ")");
        }
        try {
            return query(ds, sql, params);
        } catch (SQLException e) {
            throw new IllegalStateException("read on target " + target + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs {@code sql} on every target and concatenates the rows (compare them unordered). */
    public List<Map<String, Object>> queryOnAll(String sql, Object... params) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String t : new java.util.TreeSet<>(targets.keySet())) {
            rows.addAll(queryOn(t, sql, params));
        }
        return rows;
    }

    /** Runs {@code sql} with {@code params} on a data source: each row as column label to value, in column order. */
    public static List<Map<String, Object>> query(DataSource ds, String sql, Object... params) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        row.put(md.getColumnLabel(i), v instanceof java.sql.Array a ? a.getArray() : v);
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }
}
