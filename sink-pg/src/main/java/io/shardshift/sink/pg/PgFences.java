package io.shardshift.sink.pg;

import io.shardshift.core.event.TableId;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.sink.pg.internal.Names;
import io.shardshift.sink.pg.internal.Targets;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The highest source position a PostgreSQL target holds: the largest fence of its rows (column
 * {@value Names#FENCE_COLUMN}) and of its tombstones (deletes and truncates). After a source failover every
 * change from the new primary must carry a higher position than this, or the target would keep what the old
 * primary wrote.
 */
public final class PgFences {
    private PgFences() {
    }

    /**
     * Reads the highest fence of the given tables and of the target's tombstones; 0 when the target holds none.
     *
     * @throws SinkException naming the target when it cannot be read
     */
    public static long highest(TargetSpec target, List<TableId> tables) {
        long max = 0;
        try (Connection c = Targets.connect(target, "fences");
             Statement s = c.createStatement()) {
            for (TableId t : tables) {
                max = Math.max(max, single(s, "SELECT coalesce(max(" + io.shardshift.core.sql.SqlIdentifiers.quote(
                        Names.FENCE_COLUMN) + "), 0) FROM " + t.quoted()));
            }
            max = Math.max(max, single(s, "SELECT coalesce(max(lsn), 0) FROM " + Names.TOMBSTONES_QUOTED));
            return max;
        } catch (SQLException e) {
            throw new SinkException("cannot read the fences of target " + Targets.describe(target) + ": "
                    + e.getMessage(), e);
        }
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
