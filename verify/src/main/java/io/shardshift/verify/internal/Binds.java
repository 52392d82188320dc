package io.shardshift.verify.internal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/** Binds the parameters of {@link VerifySql} statements. */
final class Binds {
    private Binds() {
    }

    /** Binds range bounds then the tenant, from index {@code i}; returns the next index. */
    static int range(PreparedStatement ps, int i, KeyRange range, String tenant) throws SQLException {
        if (range.after() != null) {
            for (String v : range.after()) {
                ps.setString(i++, v);
            }
        }
        if (range.upTo() != null) {
            for (String v : range.upTo()) {
                ps.setString(i++, v);
            }
        }
        if (tenant != null) {
            ps.setString(i++, tenant);
        }
        return i;
    }

    /** Binds one {@code text[]} per key column, from index {@code i}; returns the next index. */
    static int keys(Connection c, PreparedStatement ps, int i, Collection<RowKey> keys, int keySize) throws SQLException {
        List<RowKey> list = List.copyOf(keys);
        for (int k = 0; k < keySize; k++) {
            String[] column = new String[list.size()];
            for (int r = 0; r < list.size(); r++) {
                column[r] = list.get(r).values().get(k);
            }
            Array arr = c.createArrayOf("text", column);
            ps.setArray(i++, arr);
        }
        return i;
    }
}
