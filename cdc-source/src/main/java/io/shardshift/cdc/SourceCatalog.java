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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the definition of source tables from PostgreSQL's catalog: columns (type as {@code format_type}
 * prints it, {@code NOT NULL}) in column order, the primary key in key order, secondary indexes on plain
 * columns, and whether {@code REPLICA IDENTITY FULL} is set (for a partitioned table: on it and on every
 * partition, since each partition's own setting decides what its changes carry). A table without a primary key is keyed by its
 * unique {@code NOT NULL} index when it has one (see {@link #keyIndexOf}), as Debezium's
 * {@code message.key.columns} would: the change events' Kafka key, the backfill's key and the targets' primary
 * key are then that index's columns. It also reads the expression of each stored generated column and the
 * user-defined types the columns use ({@link UserTypeReader}).
 *
 * <p>Expression indexes, partial indexes and the {@code INCLUDE} columns of an index are not reported.
 */
public final class SourceCatalog {
    private static final String TABLE = """
            SELECT c.oid, c.relreplident FROM pg_class c
            WHERE c.oid = to_regclass(?) AND c.relkind IN ('r', 'p')""";
    /** Whether every partition of a partitioned table (at any level) has REPLICA IDENTITY FULL; true for others. */
    private static final String PARTITIONS_FULL = """
            SELECT coalesce(bool_and(c.relreplident = 'f'), true) FROM pg_partition_tree(?::oid::regclass) t
            JOIN pg_class c ON c.oid = t.relid WHERE t.level > 0""";
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

    private static final String UNIQUE_KEY = """
            SELECT ic.relname,
                   ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                       WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS cols
            FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid
            WHERE i.indrelid = ? AND i.indisunique AND NOT i.indisprimary AND i.indimmediate AND i.indisvalid
              AND i.indexprs IS NULL AND i.indpred IS NULL
              AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                  LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                  WHERE k.ord <= i.indnkeyatts AND (a.attnum IS NULL OR NOT a.attnotnull))
            ORDER BY ic.relname COLLATE "C"
            LIMIT 1""";

    private final Connection connection;
    private final Map<TableId, String> keyIndexes = new HashMap<>();

    /** A catalog reader over an open connection to the source; the caller owns the connection. */
    public SourceCatalog(Connection connection) {
        this.connection = connection;
    }

    private boolean partitionsReplicaIdentityFull(long oid) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(PARTITIONS_FULL)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Reads one table's definition.
     *
     * @return the definition, or empty when no table (or partitioned table) of that name exists; its key is the
     *         primary key, else the columns of the unique index {@link #keyIndexOf} names, else empty
     * @throws IllegalArgumentException naming the table when a column name is not a valid identifier
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
        replicaIdentityFull = replicaIdentityFull && partitionsReplicaIdentityFull(oid);
        List<String> key = primaryKey(oid);
        if (key.isEmpty()) {
            key = uniqueKey(table, oid);
        }
        UserTypeReader types = new UserTypeReader(connection);
        List<ColumnDef> columns = columns(table, oid, types);
        return Optional.of(new TableSchema(table, columns, key, indexes(oid), replicaIdentityFull, types.types()));
    }

    /**
     * The unique index whose columns {@link #find} used as the key of a table without a primary key, if it
     * did: the first by name (in byte order) of the table's valid, immediate, non-partial unique indexes on
     * plain {@code NOT NULL} columns, the same rule PostgreSQL sets for a replica identity index.
     */
    public Optional<String> keyIndexOf(TableId table) {
        return Optional.ofNullable(keyIndexes.get(table));
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

    private List<String> uniqueKey(TableId table, long oid) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(UNIQUE_KEY)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return List.of();
                }
                keyIndexes.put(table, rs.getString(1));
                return List.of((String[]) rs.getArray(2).getArray());
            }
        }
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
