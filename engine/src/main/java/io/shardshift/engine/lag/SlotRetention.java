package io.shardshift.engine.lag;

import io.shardshift.core.event.Lsn;
import io.shardshift.core.spec.MigrationSpec;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * How much WAL the migration's replication slot holds back on the source: the bytes between the source's
 * current WAL position and the slot's {@code restart_lsn}. PostgreSQL cannot recycle that WAL until capture
 * confirms it, so a growing figure means capture is stuck or slow and the source's disk fills.
 */
public final class SlotRetention {
    private static final String SQL = "SELECT pg_current_wal_lsn()::text, "
            + "pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?";

    private SlotRetention() {
    }

    /**
     * The source's WAL position and the slot's retained WAL, read in one query.
     *
     * @param walLsn        {@code pg_current_wal_lsn()}
     * @param retainedBytes WAL bytes the slot retains; -1 when the slot does not exist
     */
    public record Reading(long walLsn, long retainedBytes) {
    }

    /** Reads the slot named by the spec. */
    public static Reading read(MigrationSpec spec) throws SQLException {
        try (Connection c = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
             PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setString(1, spec.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Reading(0, -1);
                }
                return new Reading(Lsn.parse(rs.getString(1)), rs.getLong(2));
            }
        }
    }
}
