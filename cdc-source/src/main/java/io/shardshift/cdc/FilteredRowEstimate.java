package io.shardshift.cdc;

import io.shardshift.core.event.TableId;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Estimates the rows a {@link ShardKeyFilter} lets through from the column's statistics ({@code pg_stats}),
 * the way the planner estimates {@code column IN (...)}: a value among the most common values counts with
 * its frequency, any other value with an even share of the rest. Used for backfill progress only; without
 * statistics (a table never analysed) the whole table's estimate is kept.
 */
final class FilteredRowEstimate {
    private FilteredRowEstimate() {
    }

    /**
     * @param tableRows the whole table's estimate ({@code reltuples})
     * @return the estimated rows of the filter's values, or {@code tableRows} when there are no statistics
     */
    static long of(Connection c, TableId table, ShardKeyFilter filter, long tableRows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT most_common_vals::text::text[], most_common_freqs, n_distinct, null_frac
                FROM pg_stats WHERE schemaname = ? AND tablename = ? AND attname = ?""")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            ps.setString(3, filter.column());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return tableRows;
                }
                Map<String, Double> common = new HashMap<>();
                double commonTotal = 0;
                Array vals = rs.getArray(1);
                Array freqs = rs.getArray(2);
                if (vals != null && freqs != null) {
                    String[] v = (String[]) vals.getArray();
                    Float[] f = (Float[]) freqs.getArray();
                    for (int i = 0; i < Math.min(v.length, f.length); i++) {
                        common.put(v[i], f[i].doubleValue());
                        commonTotal += f[i];
                    }
                }
                double distinct = rs.getDouble(3);
                distinct = distinct < 0 ? -distinct * tableRows : distinct;
                double rest = Math.max(0, 1 - commonTotal - rs.getDouble(4));
                double perOther = distinct > common.size() ? rest / (distinct - common.size()) : 0;
                double fraction = 0;
                for (String value : filter.values()) {
                    fraction += common.getOrDefault(value, perOther);
                }
                return Math.round(Math.min(1.0, fraction) * tableRows);
            }
        }
    }
}
