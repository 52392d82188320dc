package io.shardshift.cdc;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.AddedColumn;
import io.shardshift.core.schema.ColumnDef;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Reads from the source's catalog how a column added during a migration must be added to the targets, or
 * why it cannot be followed safely. Rows that existed before an {@code ADD COLUMN} have no row event for the
 * new column, so the targets can only follow it when the value those rows got is known exactly:
 *
 * <ul>
 *   <li>no default: NULL;</li>
 *   <li>a non-volatile default: PostgreSQL evaluated it once and keeps the value as the column's
 *       <em>missing value</em> ({@code pg_attribute.attmissingval}) on every table that stores rows;</li>
 *   <li>a volatile default ({@code random()}, {@code clock_timestamp()}, a sequence), or an {@code ADD COLUMN}
 *       in the same statement as one, rewrote every row without row events: refused, as is a default whose
 *       missing value is gone (the table was rewritten since) or differs between partitions.</li>
 * </ul>
 */
public final class SourceColumns {
    private static final String COLUMN = """
            SELECT format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated <> '',
                   pg_get_expr(d.adbin, d.adrelid),
                   CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                        THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
            FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_collation co ON co.oid = a.attcollation
            LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
            WHERE a.attrelid = to_regclass(?) AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped""";
    /** The missing value of the column on every table of the tree that stores rows (the table, or its leaves). */
    private static final String MISSING = """
            SELECT a.atthasmissing, CASE WHEN a.atthasmissing THEN (a.attmissingval::text::text[])[1] END
            FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = ? AND NOT a.attisdropped
            WHERE c.relkind = 'r' AND (c.oid = to_regclass(?)
               OR c.oid IN (SELECT relid FROM pg_partition_tree(to_regclass(?))))""";
    /** The leaf partitions of a partitioned table, by qualified name. */
    private static final String LEAVES = """
            SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
            FROM pg_partition_tree(to_regclass(?)) p JOIN pg_class c ON c.oid = p.relid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE p.isleaf AND p.level > 0""";

    /**
     * How to follow one added column: either the column as the targets must add it, or why it cannot be.
     *
     * @param column  the column to add, or {@code null} when refused
     * @param refusal why the addition cannot be followed (naming the table and column, with the fix), or
     *                {@code null}
     */
    public record Addition(AddedColumn column, String refusal) {
        public Addition {
            if ((column == null) == (refusal == null)) {
                throw new IllegalArgumentException("an addition is either a column or a refusal");
            }
        }
    }

    private final Connection connection;

    /** A reader over an open connection to the source; the caller owns the connection. */
    public SourceColumns(Connection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    /** How the targets follow the addition of {@code column} to {@code table} (see the class comment). */
    public Addition addition(TableId table, String column) throws SQLException {
        String type;
        boolean notNull;
        boolean generated;
        String defaultExpr;
        String collation;
        try (PreparedStatement ps = connection.prepareStatement(COLUMN)) {
            ps.setString(1, table.quoted());
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return refused("column " + column + " of " + table + " is in the changes but no longer in the"
                            + " source's catalog (dropped or renamed since)");
                }
                type = rs.getString(1);
                notNull = rs.getBoolean(2);
                generated = rs.getBoolean(3);
                defaultExpr = rs.getString(4);
                collation = rs.getString(5);
            }
        }
        if (generated) {
            return refused("column " + column + " of " + table + " is a generated column");
        }
        TreeSet<String> missing = new TreeSet<>();
        boolean anyMissing = false;
        try (PreparedStatement ps = connection.prepareStatement(MISSING)) {
            ps.setString(1, column);
            ps.setString(2, table.quoted());
            ps.setString(3, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(1)) {
                        anyMissing = true;
                        missing.add(String.valueOf(rs.getString(2)));
                    }
                }
            }
        }
        ColumnDef def = new ColumnDef(column, type, notNull);
        if (anyMissing) {
            if (missing.size() > 1) {
                return refused("column " + column + " of " + table + " has different values for the rows that"
                        + " existed before it was added, by partition " + missing);
            }
            return new Addition(new AddedColumn(def, collation, missing.first()), null);
        }
        if (defaultExpr != null && !defaultExpr.startsWith("NULL::")) {
            return refused("column " + column + " of " + table + " has the default " + defaultExpr + " but PostgreSQL"
                    + " kept no single value for the rows that existed before it was added (a volatile default, or"
                    + " the table was rewritten): those rows changed without row events");
        }
        return new Addition(new AddedColumn(def, collation, null), null);
    }

    /** The leaf partitions of a partitioned table as quoted {@code schema.table} names; empty for a plain table. */
    public List<String> leafPartitions(TableId table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(LEAVES)) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static Addition refused(String reason) {
        return new Addition(null, reason);
    }
}
