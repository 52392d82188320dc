package io.shardshift.sink.pg.internal;

import io.shardshift.core.schema.IndexDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sql.SqlIdentifiers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/** Reads the indexes of a target table from PostgreSQL's catalog, and the keys that break a unique index. */
public final class IndexCatalog {
    private static final String FIND = """
            SELECT i.indrelid = to_regclass(?) AS on_table, i.indisunique, i.indisvalid AND i.indisready AS valid,
                   am.amname, i.indexprs IS NULL AND i.indpred IS NULL AS plain,
                   array_to_string(ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                       WHERE k.ord <= i.indnkeyatts ORDER BY k.ord), ',') AS cols,
                   i.indnkeyatts
            FROM pg_class ic
            JOIN pg_namespace n ON n.oid = ic.relnamespace
            JOIN pg_index i ON i.indexrelid = ic.oid
            JOIN pg_am am ON am.oid = ic.relam
            WHERE n.nspname = ? AND ic.relname = ?""";

    /**
     * An index found on the target.
     *
     * @param onTable whether it indexes the expected table (an index name is unique in its schema only)
     * @param unique  whether it is unique
     * @param valid   whether it is valid and ready (a failed {@code CONCURRENTLY} build leaves it invalid)
     * @param plain   whether it has no expression and no predicate
     * @param method  the access method
     * @param columns the key columns in order
     */
    public record Found(boolean onTable, boolean unique, boolean valid, boolean plain, String method,
                        List<String> columns) {

        /** Whether this is a valid unique index of the table on the index definition's columns. */
        public boolean isUniqueVersionOf(IndexDef ix) {
            return onTable && unique && valid && plain && "btree".equals(method) && columns.equals(ix.columns());
        }
    }

    /**
     * A key value held by more than one row.
     *
     * @param values      the indexed columns' values as PostgreSQL text
     * @param rows        how many rows hold it
     * @param primaryKeys the primary keys of the first few of those rows, as row literals, e.g. {@code (acme,1)}
     */
    public record DuplicateKey(List<String> values, long rows, List<String> primaryKeys) {
    }

    private IndexCatalog() {
    }

    /** The index named {@code name} in the table's schema, if any. */
    public static Optional<Found> find(Connection c, TableSchema table, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, table.id().quoted());
            ps.setString(2, table.id().schema());
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String cols = rs.getString("cols");
                List<String> columns = cols == null || cols.isEmpty() ? List.of() : Arrays.asList(cols.split(","));
                return Optional.of(new Found(rs.getBoolean("on_table"), rs.getBoolean("indisunique"),
                        rs.getBoolean("valid"), rs.getBoolean("plain") && rs.getInt("indnkeyatts") == columns.size(),
                        rs.getString("amname"), List.copyOf(columns)));
            }
        }
    }

    /**
     * The values of the index's columns that more than one row holds (rows with a NULL in any of them never
     * clash in a unique index), most frequent first.
     *
     * @param limit at most this many values
     */
    public static List<DuplicateKey> duplicates(Connection c, TableSchema table, IndexDef ix, int limit)
            throws SQLException {
        StringJoiner values = new StringJoiner(", ");
        StringJoiner notNull = new StringJoiner(" AND ");
        StringJoiner group = new StringJoiner(", ");
        for (String col : ix.columns()) {
            String q = SqlIdentifiers.quote(col);
            values.add(q + "::text");
            notNull.add(q + " IS NOT NULL");
            group.add(q);
        }
        StringJoiner pk = new StringJoiner(", ");
        table.primaryKey().forEach(k -> pk.add(SqlIdentifiers.quote(k)));
        String sql = "SELECT " + values + ", count(*), (array_agg(ROW(" + pk + ")::text ORDER BY " + pk + "))[1:5]"
                + " FROM " + table.id().quoted() + " WHERE " + notNull + " GROUP BY " + group
                + " HAVING count(*) > 1 ORDER BY count(*) DESC, " + group + " LIMIT " + limit;
        List<DuplicateKey> out = new ArrayList<>();
        int n = ix.columns().size();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<String> vals = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    vals.add(rs.getString(i));
                }
                String[] keys = (String[]) rs.getArray(n + 2).getArray();
                out.add(new DuplicateKey(List.copyOf(vals), rs.getLong(n + 1), List.of(keys)));
            }
        }
        return out;
    }
}
