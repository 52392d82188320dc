package io.shardshift.cdc;

import io.shardshift.cdc.internal.UserTypeReader;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.IndexDef;
import io.shardshift.core.schema.TableSchema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads the definition of source tables from PostgreSQL's catalog: columns (type as {@code format_type}
 * prints it, {@code NOT NULL}) in column order, the primary key in key order, secondary indexes on plain
 * columns, whether {@code REPLICA IDENTITY FULL} is set, the expression of each stored generated column,
 * and the user-defined types the columns use ({@link UserTypeReader}).
 *
 * <p>Expression indexes, partial indexes and the {@code INCLUDE} columns of an index are not reported.
 */
public final class SourceCatalog {
    private static final String TABLE = """
            SELECT c.oid, c.relreplident FROM pg_class c
            WHERE c.oid = to_regclass(?) AND c.relkind IN ('r', 'p')""";
    private static final String COLUMNS = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atttypid,
                   CASE WHEN a.attgenerated = 's' THEN pg_get_expr(d.adbin, d.adrelid) END
            FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""";
    private static final String PRIMARY_KEY = """
            SELECT a.attname FROM pg_index i
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = ? AND i.indisprimary ORDER BY k.ord""";
    private static final String INDEXES = """
            SELECT ic.relname, i.indisunique, am.amname,
                   array_to_string(ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                       WHERE k.ord <= i.indnkeyatts ORDER BY k.ord), ',') AS cols,
                   i.indnkeyatts, (SELECT count(*) FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                       WHERE k.ord <= i.indnkeyatts AND k.attnum > 0) AS plain_cols
            FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_am am ON am.oid = ic.relam
            WHERE i.indrelid = ? AND NOT i.indisprimary AND i.indexprs IS NULL AND i.indpred IS NULL
            ORDER BY ic.relname""";

    private final Connection connection;

    /** A catalog reader over an open connection to the source; the caller owns the connection. */
    public SourceCatalog(Connection connection) {
        this.connection = connection;
    }

    /**
     * Reads one table's definition.
     *
     * @return the definition, or empty when no table (or partitioned table) of that name exists
     * @throws IllegalArgumentException naming the table when a column name is not a plain identifier
     */
    public Optional<TableSchema> find(TableId table) throws SQLException {
        long oid;
        boolean replicaIdentityFull;
        try (PreparedStatement ps = connection.prepareStatement(TABLE)) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                oid = rs.getLong(1);
                replicaIdentityFull = "f".equals(rs.getString(2));
            }
        }
        UserTypeReader types = new UserTypeReader(connection);
        List<ColumnDef> columns = columns(table, oid, types);
        return Optional.of(new TableSchema(table, columns, primaryKey(oid), indexes(oid),
                replicaIdentityFull, types.types()));
    }

    /**
     * Reads one table's definition.
     *
     * @throws IllegalArgumentException naming the table when it does not exist
     */
    public TableSchema read(TableId table) throws SQLException {
        return find(table).orElseThrow(() -> new IllegalArgumentException(
                "table " + table + " does not exist in the source"));
    }

    private List<ColumnDef> columns(TableId table, long oid, UserTypeReader types) throws SQLException {
        List<ColumnDef> out = new ArrayList<>();
        List<Long> typeOids = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.add(new ColumnDef(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(5)));
                        typeOids.add(rs.getLong(4));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("table " + table + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        for (long typeOid : typeOids) {
            try {
                types.add(typeOid);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("table " + table + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private List<String> primaryKey(long oid) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(PRIMARY_KEY)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private List<IndexDef> indexes(long oid) throws SQLException {
        List<IndexDef> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(INDEXES)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean allPlain = rs.getInt(5) == rs.getInt(6);
                    if (allPlain) {
                        out.add(new IndexDef(rs.getString(1), rs.getBoolean(2), rs.getString(3),
                                Arrays.asList(rs.getString(4).split(","))));
                    }
                }
            }
        }
        return out;
    }
}
