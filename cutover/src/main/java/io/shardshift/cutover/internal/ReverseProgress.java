package io.shardshift.cutover.internal;

import io.shardshift.cutover.internal.ReverseReplicator.Observation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The reverse replication's bookkeeping on the source: per migration and target the last log seq copied
 * ({@value #PROGRESS}), and per migration the observation window of its last cutover ({@value #OBSERVATION}),
 * with, after a rollback committed on the source and until its targets are released, that rollback's fence and
 * generation (so a controller started after a crash in between finishes the release).
 * Every method runs in the caller's connection, so progress commits with the writes it describes.
 */
final class ReverseProgress {
    static final String PROGRESS = "shardshift.shardshift_reverse_progress";
    static final String OBSERVATION = "shardshift.shardshift_observation";

    private ReverseProgress() {
    }

    /** Creates the progress and observation tables (idempotent). */
    static void prepareSource(Connection source) throws SQLException {
        try (Statement st = source.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS shardshift");
            st.execute("CREATE TABLE IF NOT EXISTS " + PROGRESS + " (migration text NOT NULL, target text NOT NULL, "
                    + "last_seq bigint NOT NULL, PRIMARY KEY (migration, target))");
            st.execute("CREATE TABLE IF NOT EXISTS " + OBSERVATION + " (migration text PRIMARY KEY, generation bigint NOT NULL, "
                    + "window_end timestamptz NOT NULL, ended boolean NOT NULL)");
            st.execute("ALTER TABLE " + OBSERVATION + " ADD COLUMN IF NOT EXISTS release_fence bigint, "
                    + "ADD COLUMN IF NOT EXISTS release_generation bigint");
        }
    }

    /**
     * Marks the observation ended by a rollback to {@code generation} with fence {@code fence}, its targets still
     * to release ({@link #pendingRelease}), in the rollback's source transaction.
     */
    static void endByRollback(Connection source, String migration, long fence, long generation) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("UPDATE " + OBSERVATION + " SET ended = true, "
                + "release_fence = ?, release_generation = ? WHERE migration = ?")) {
            ps.setLong(1, fence);
            ps.setLong(2, generation);
            ps.setString(3, migration);
            ps.executeUpdate();
        }
    }

    /** The fence and generation of a committed rollback whose targets are not released yet, if any. */
    static Optional<ReverseReplicator.PendingRelease> pendingRelease(Connection source, String migration)
            throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT release_fence, release_generation FROM " + OBSERVATION
                + " WHERE migration = ? AND release_fence IS NOT NULL")) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new ReverseReplicator.PendingRelease(rs.getLong(1), rs.getLong(2)))
                        : Optional.empty();
            }
        }
    }

    /** Records that the targets of the last rollback are released. */
    static void released(Connection source, String migration) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("UPDATE " + OBSERVATION + " SET release_fence = NULL, "
                + "release_generation = NULL WHERE migration = ?")) {
            ps.setString(1, migration);
            ps.executeUpdate();
        }
    }

    /** Records a new observation window with every target's progress at 0. */
    static void begin(Connection source, String migration, List<String> targets, long generation, Instant windowEnd)
            throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("INSERT INTO " + OBSERVATION
                + " (migration, generation, window_end, ended) VALUES (?, ?, ?, false) "
                + "ON CONFLICT (migration) DO UPDATE SET generation = EXCLUDED.generation, window_end = EXCLUDED.window_end, ended = false, "
                + "release_fence = NULL, release_generation = NULL")) {
            ps.setString(1, migration);
            ps.setLong(2, generation);
            ps.setTimestamp(3, Timestamp.from(windowEnd));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = source.prepareStatement("INSERT INTO " + PROGRESS + " VALUES (?, ?, 0) "
                + "ON CONFLICT (migration, target) DO UPDATE SET last_seq = 0")) {
            for (String t : targets) {
                ps.setString(1, migration);
                ps.setString(2, t);
                ps.executeUpdate();
            }
        }
    }

    /** Marks the observation ended. */
    static void end(Connection source, String migration) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("UPDATE " + OBSERVATION + " SET ended = true WHERE migration = ?")) {
            ps.setString(1, migration);
            ps.executeUpdate();
        }
    }

    /** The recorded observation of a migration, if a cutover recorded one. */
    static Optional<Observation> observation(Connection source, String migration) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT generation, window_end, ended FROM " + OBSERVATION
                + " WHERE migration = ?")) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Observation(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getBoolean(3)))
                        : Optional.empty();
            }
        }
    }

    /** The last seq of a target's log copied to the source (0 when none), locked for update when asked. */
    static long lastSeq(Connection source, String migration, String target, boolean lock) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT last_seq FROM " + PROGRESS
                + " WHERE migration = ? AND target = ?" + (lock ? " FOR UPDATE" : ""))) {
            ps.setString(1, migration);
            ps.setString(2, target);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Records the last seq of a target's log copied to the source. */
    static void recordLastSeq(Connection source, String migration, String target, long lastSeq) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("INSERT INTO " + PROGRESS + " VALUES (?, ?, ?) "
                + "ON CONFLICT (migration, target) DO UPDATE SET last_seq = EXCLUDED.last_seq")) {
            ps.setString(1, migration);
            ps.setString(2, target);
            ps.setLong(3, lastSeq);
            ps.executeUpdate();
        }
    }
}
