package io.shardshift.tools.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The benchmark's table, {@code public.bench_rows}: rows of about 200 bytes in COPY text form (a bigint key,
 * a tenant out of 1,000, a few short columns, two timestamps and a 96-character payload), with
 * {@code REPLICA IDENTITY FULL}. Row {@code g} always has the same values except {@code updated_at}, so the
 * bulk fill, the single-row inserts and the updates all use one expression.
 */
final class BenchSource {
    /** The source table and the table Shardshift creates on each target. */
    static final String TABLE = "public.bench_rows";
    /** The plain table the raw copy writes into, on the first target. */
    static final String RAW_TABLE = "public.bench_raw_copy";
    /** The shard key column. */
    static final String SHARD_KEY = "tenant_id";
    static final String COLUMNS = "id, tenant_id, customer, status, amount, created_at, updated_at, payload";

    private static final String VALUES_OF_G = "g, 'tenant-' || lpad((g % 1000)::text, 4, '0'), 'customer-' || (g % 50000), "
            + "(ARRAY['new','paid','shipped','returned'])[1 + (g % 4)::int], round((g % 100000) / 7.0, 2), "
            + "timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second', now(), "
            + "substr(repeat(md5(g::text), 3), 1, 96)";

    private BenchSource() {
    }

    /** The table's definition, under another name (for the raw copy's plain table). */
    static String ddl(String table) {
        return "CREATE TABLE " + table + " (id bigint PRIMARY KEY, tenant_id text NOT NULL, customer text NOT NULL, "
                + "status text NOT NULL, amount numeric(12,2) NOT NULL, created_at timestamptz NOT NULL, "
                + "updated_at timestamptz NOT NULL, payload text NOT NULL)";
    }

    /**
     * Creates the source table (dropping an old one) with rows 1..{@code rows}, then vacuums it so neither
     * reader pays for setting hint bits on first read.
     */
    static void create(Connection source, long rows) throws SQLException {
        source.setAutoCommit(true);
        try (Statement st = source.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + TABLE);
            st.execute(ddl(TABLE));
            st.execute("ALTER TABLE " + TABLE + " REPLICA IDENTITY FULL");
            st.execute("INSERT INTO " + TABLE + " (" + COLUMNS + ") SELECT " + VALUES_OF_G
                    + " FROM generate_series(1, " + rows + ") g");
            st.execute("VACUUM (ANALYZE) " + TABLE);
        }
    }

    /** Creates the raw copy's empty plain table on a target (dropping an old one). */
    static void createRawTable(Connection target) throws SQLException {
        try (Statement st = target.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + RAW_TABLE);
            st.execute(ddl(RAW_TABLE));
        }
    }

    /** The average size of a row in COPY text form, in bytes (a sample of up to 10,000 rows). */
    static long averageRowBytes(Connection source) throws SQLException {
        return queryLong(source, "SELECT coalesce(round(avg(octet_length(concat_ws(E'\\t', " + COLUMNS + ")) + 1)), 0) "
                + "FROM (SELECT * FROM " + TABLE + " LIMIT 10000) t");
    }

    /** Rows in a table. */
    static long count(Connection c, String table) throws SQLException {
        return queryLong(c, "SELECT count(*) FROM " + table);
    }

    /** A statement inserting the row of one id (the parameter). */
    static PreparedStatement prepareInsert(Connection source) throws SQLException {
        return source.prepareStatement("INSERT INTO " + TABLE + " (" + COLUMNS + ") SELECT " + VALUES_OF_G
                + " FROM (SELECT ?::bigint AS g) s");
    }

    /** A statement updating every row with an id between its two parameters: one change event per row. */
    static PreparedStatement prepareRangeUpdate(Connection source) throws SQLException {
        return source.prepareStatement("UPDATE " + TABLE + " SET amount = amount + 1, updated_at = now() "
                + "WHERE id BETWEEN ? AND ?");
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
