package io.shardshift.cdc;

import io.shardshift.cdc.internal.PgConnections;
import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The on-disk size of source tables (a partitioned table: the sum of its partitions), for the capture group split. */
public final class TableSizes {
    /** {@code pg_partition_tree} has no rows for a plain table, hence the table's own size first. */
    private static final String SQL = "SELECT (pg_total_relation_size(c.oid) + COALESCE((SELECT sum(pg_total_relation_size(p.relid))"
            + " FROM pg_partition_tree(c.oid) p WHERE p.relid <> c.oid), 0))::bigint FROM pg_class c WHERE c.oid = to_regclass(?)";

    private TableSizes() {
    }

    /** Each table's bytes, with indexes and TOAST; 0 for a table that does not exist. */
    public static Map<TableId, Long> read(MigrationSpec spec, List<TableId> tables) throws SQLException {
        Map<TableId, Long> sizes = new LinkedHashMap<>();
        try (Connection c = PgConnections.open(spec.source().jdbcUrl(), spec.source().user(), spec.source().password(),
                "shardshift-" + spec.name() + "-sizes");
             PreparedStatement ps = c.prepareStatement(SQL)) {
            for (TableId t : tables) {
                ps.setString(1, t.quoted());
                try (ResultSet rs = ps.executeQuery()) {
                    sizes.put(t, rs.next() ? rs.getLong(1) : 0L);
                }
            }
        }
        return sizes;
    }
}
