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
 * be skipped). It advances once per round. Used by the replicator's thread only.
 */
final class LogHorizon {
    private final Map<String, Pending> pending = new HashMap<>();

    /** The sequence value read before a target snapshot, safe once every transaction in that snapshot ended. */
    private record Pending(long seq, String snapshot) {
    }

    /** The seq up to which the target's log is complete, advancing once per round (0 while unknown). */
    long advance(Connection target, String name) throws SQLException {
        long safe = 0;
        Pending last = pending.get(name);
        if (last != null) {
            try (PreparedStatement ps = target.prepareStatement("SELECT coalesce(max(x) < pg_snapshot_xmin(pg_current_snapshot()), true) "
                    + "FROM pg_snapshot_xip(?::pg_snapshot) x")) {
                ps.setString(1, last.snapshot());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return 0;
                    }
                }
            }
            safe = last.seq();
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
            pending.put(name, new Pending(seq, rs.getString(1)));
        }
        return safe;
    }

    /** Starts over for a target (after its connection failed). */
    void forget(String name) {
        pending.remove(name);
    }
}
