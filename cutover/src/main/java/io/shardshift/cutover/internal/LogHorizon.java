package io.shardshift.cutover.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * How far each target's reverse log can be read: up to a horizon below which every log writer has finished.
 * The horizon is the sequence value read before a snapshot of the target, usable once every transaction in
 * progress in that snapshot has ended (a transaction that took a lower seq but commits later would otherwise
 * be skipped). It advances once per round. With it comes the target's clock read just before that sequence
 * value: an entry logged earlier than that time has a seq at or below the horizon (the log trigger takes the
 * seq before it reads the clock), so every target's entries before the earliest of these times are known, and
 * the replicator copies no further ({@link LogMerge}). Used by the replicator's thread only.
 */
final class LogHorizon {
    private final Map<String, Horizon> pending = new HashMap<>();
    private final Map<String, String> snapshots = new HashMap<>();

    /**
     * A target's log is complete up to {@code seq}, and holds every entry logged before {@code readAt}.
     *
     * @param seq    the highest seq known complete
     * @param readAt the target's clock before that seq was read, in microseconds since the epoch
     */
    record Horizon(long seq, long readAt) {
    }

    /** SQL for a timestamptz expression in microseconds since the epoch. */
    static String micros(String timestamp) {
        return "(extract(epoch FROM " + timestamp + ") * 1000000)::bigint";
    }

    /** The horizon of a target's log, advancing once per round; null while unknown (first round, writers pending). */
    Horizon advance(Connection target, String name) throws SQLException {
        Horizon safe = null;
        Horizon last = pending.get(name);
        if (last != null) {
            try (PreparedStatement ps = target.prepareStatement("SELECT coalesce(max(x) < pg_snapshot_xmin(pg_current_snapshot()), true) "
                    + "FROM pg_snapshot_xip(?::pg_snapshot) x")) {
                ps.setString(1, snapshots.get(name));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return null;
                    }
                }
            }
            safe = last;
        }
        long readAt;
        try (Statement st = target.createStatement(); ResultSet rs = st.executeQuery("SELECT " + micros("clock_timestamp()"))) {
            rs.next();
            readAt = rs.getLong(1);
        }
        long seq;
        try (Statement st = target.createStatement();
             ResultSet rs = st.executeQuery("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM "
                     + ReverseLog.LOG_TABLE + "_seq_seq")) {
            rs.next();
            seq = rs.getLong(1);
        }
        try (Statement st = target.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_snapshot()::text")) {
            rs.next();
            pending.put(name, new Horizon(seq, readAt));
            snapshots.put(name, rs.getString(1));
        }
        return safe;
    }

    /** Starts over for every target (after a connection failed). */
    void forgetAll() {
        pending.clear();
        snapshots.clear();
    }
}
