package io.shardshift.sink.pg;

import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.core.sql.SqlIdentifiers;
import io.shardshift.devstack.DevPostgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;

/** A fresh database on a {@link DevPostgres} used as a target, with helpers to read what the sink wrote. */
public final class TargetDb {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final TargetSpec spec;

    private TargetDb(TargetSpec spec) {
        this.spec = spec;
    }

    /**
     * Creates a database named {@code prefix_N} on this module's {@link SharedPostgres} and provisions the
     * tables in it (none: the database stays empty). Held in a test's instance field, it gives each test a
     * database of its own, as JUnit makes an instance per test method:
     * <pre>{@code private final TargetDb db = TargetDb.fresh("backfill", Items.SCHEMA);}</pre>
     */
    public static TargetDb fresh(String prefix, TableSchema... tables) {
        TargetDb db = create(SharedPostgres.get(), prefix);
        if (tables.length > 0) {
            PgProvisioner.provision(db.spec(), List.of(tables));
        }
        return db;
    }

    /** Creates an empty database named {@code prefix_N}. */
    public static TargetDb create(DevPostgres pg, String prefix) {
        String name = prefix + "_" + COUNTER.incrementAndGet();
        pg.createDatabase(name);
        return new TargetDb(new TargetSpec(name, TargetSpec.POSTGRES, pg.jdbcUrl(name), pg.user(), pg.password()));
    }

    public TargetSpec spec() {
        return spec;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(spec.jdbcUrl(), spec.user(), spec.password());
    }

    /** The stored row of a key, each column as PostgreSQL text (fence excluded). */
    public Optional<Map<String, String>> row(TableSchema table, Map<String, String> key) {
        StringJoiner cols = new StringJoiner(", ");
        for (ColumnDef c : table.columns()) {
            cols.add(SqlIdentifiers.quote(c.name()) + "::text");
        }
        StringJoiner where = new StringJoiner(" AND ");
        table.primaryKey().forEach(k -> where.add(SqlIdentifiers.quote(k) + "::text = ?"));
        List<Map<String, String>> rows = query("SELECT " + cols + " FROM " + table.id().quoted() + " WHERE " + where,
                table.primaryKey().stream().map(key::get).toArray());
        return rows.stream().findFirst();
    }

    /** The stored fence of a key, or -1 when there is no row. */
    public long fence(TableSchema table, String id) {
        List<Map<String, String>> rows = query("SELECT _ss_lsn::text FROM " + table.id().quoted() + " WHERE \"id\"::text = ?", id);
        return rows.isEmpty() ? -1 : Long.parseLong(rows.get(0).get("_ss_lsn"));
    }

    /** The tombstones as {@code table|{key}|lsn}, sorted. */
    public List<String> tombstones() {
        return query("SELECT table_name || '|' || key::text || '|' || lsn AS t FROM shardshift.shardshift_tombstones ORDER BY 1")
                .stream().map(r -> r.get("t")).toList();
    }

    /** Runs a query and returns its rows as column name to text value. */
    public List<Map<String, String>> query(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, String>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 1; i <= n; i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                    }
                    out.add(row);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** The first column of a one-row query. */
    public String scalar(String sql, Object... params) {
        return query(sql, params).get(0).values().iterator().next();
    }

    public void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
