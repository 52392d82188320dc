package io.shardshift.cdc;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.Partitioning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a partitioned source table's partition key and its partitions with their bounds. */
public final class SourcePartitions {
    private static final String KEY = """
            SELECT pg_get_partkeydef(c.oid),
                   CASE WHEN 0 = ANY (pt.partattrs::int2[]) THEN NULL ELSE
                     ARRAY(SELECT a.attname FROM unnest(pt.partattrs::int2[]) WITH ORDINALITY AS k(attnum, ord)
                           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.ord) END
            FROM pg_class c JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
            WHERE c.oid = to_regclass(?)""";
    private static final String PARTITIONS = """
            SELECT n.nspname, c.relname, pg_get_expr(c.relpartbound, c.oid), c.relkind = 'p'
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE i.inhparent = to_regclass(?) ORDER BY n.nspname, c.relname""";

    private final Connection connection;

    /** A reader over an open connection to the source; the caller owns the connection. */
    public SourcePartitions(Connection connection) {
        this.connection = connection;
    }

    /** The table's partitioning, or empty when it is not a partitioned table. */
    public Optional<Partitioning> of(TableId table) throws SQLException {
        String keyDef;
        List<String> keyColumns;
        try (PreparedStatement ps = connection.prepareStatement(KEY)) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                keyDef = rs.getString(1);
                keyColumns = rs.getArray(2) == null ? null : List.of((String[]) rs.getArray(2).getArray());
            }
        }
        List<Partitioning.Partition> partitions = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(PARTITIONS)) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    partitions.add(new Partitioning.Partition(new TableId(rs.getString(1), rs.getString(2)),
                            rs.getString(3), rs.getBoolean(4)));
                }
            }
        }
        return Optional.of(new Partitioning(keyDef, keyColumns, partitions));
    }
}
