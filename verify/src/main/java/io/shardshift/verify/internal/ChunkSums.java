package io.shardshift.verify.internal;

import io.shardshift.verify.VerifyException;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Runs the checksum query of a chunk on any PostgreSQL database (source or target). */
final class ChunkSums {
    private ChunkSums() {
    }

    /** @param target whether {@code c} is a target (not filtered to a tenant-scoped migration's rows) */
    static Map<String, ChunkSum> read(Connection c, VerifySql sql, KeyRange range, String tenant, boolean target,
                                      Supplier<String> where) {
        try (PreparedStatement ps = c.prepareStatement(sql.chunkSums(range, tenant != null, target))) {
            Binds.range(ps, 1, range, tenant);
            Map<String, ChunkSum> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(ShardValues.key(rs.getString(1)), new ChunkSum(rs.getLong(2), new BigInteger(rs.getString(3))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new VerifyException("checksum of " + where.get() + " failed: " + e.getMessage()
                    + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }
}
