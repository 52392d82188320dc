package io.shardshift.cutover;

import io.shardshift.cdc.ReplicationSetup;
import io.shardshift.client.ConfigFollower;
import io.shardshift.client.ConfigKeys;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.cutover.internal.ReverseReplicator;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Ends a migration for good once its cutover is final: drops its replication slot and publication, so the
 * source stops retaining WAL for it. Refused (with the reason) while the migration can still be needed: it
 * never cut over, its observation window is still open (a rollback would need the stream), the live
 * generation is not the one it cut over to (it was rolled back), or a migrator is still attached to the slot
 * (it would create the slot again). {@code force} skips those checks, e.g. to abandon a migration. The moved
 * tables keep rejecting writes on the source; the change topics stay until deleted by hand.
 */
public final class MigrationFinish {
    private MigrationFinish() {
    }

    /** Why the migration cannot be finished now, or empty when it can. */
    public static Optional<String> refusal(MigrationSpec spec) throws SQLException, InterruptedException {
        try (Connection c = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password())) {
            for (String slot : spec.slotNames()) {
                Optional<Integer> attached = attachedPid(c, slot);
                if (attached.isPresent()) {
                    return Optional.of("a migrator is still attached to slot " + slot + " (backend pid "
                            + attached.get() + "); stop it first");
                }
            }
            ReverseReplicator.prepareSource(c);
            Optional<ReverseReplicator.Observation> o = ReverseReplicator.observation(c, spec.name());
            if (o.isEmpty()) {
                return Optional.of("migration " + spec.name() + " never cut over: the old layout is live and needs"
                        + " nothing, but the new one still needs the stream (use --force to abandon the migration)");
            }
            if (!o.get().ended() && Instant.now().isBefore(o.get().windowEnd())) {
                return Optional.of("the observation window of generation " + o.get().generation() + " is open until "
                        + o.get().windowEnd() + ": a rollback is still possible");
            }
            if (!o.get().ended()) {
                return Optional.of("the observation window of generation " + o.get().generation() + " ended at "
                        + o.get().windowEnd() + " but is not closed: writes logged on the targets are not all copied to"
                        + " the source yet (start the migrator and see its observation status)");
            }
            long live = liveGeneration(spec);
            if (live != o.get().generation()) {
                return Optional.of("generation " + live + " is live, not " + o.get().generation()
                        + " that the cutover went to (it was rolled back): the migration is not done");
            }
            return Optional.empty();
        }
    }

    /** Drops every capture group's slot and publication. */
    public static void finish(MigrationSpec spec) throws SQLException {
        ReplicationSetup.drop(spec);
    }

    private static Optional<Integer> attachedPid(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    private static long liveGeneration(MigrationSpec spec) throws InterruptedException {
        try (ConfigFollower follower = ConfigFollower.start(spec.kafka().bootstrapServers(),
                ConfigKeys.topic(spec.topicPrefix()), Map.of())) {
            if (!follower.awaitCaughtUp(Duration.ofSeconds(30))) {
                throw new IllegalStateException("cannot read the config topic " + ConfigKeys.topic(spec.topicPrefix()) + " within 30 s");
            }
            return follower.currentGeneration();
        }
    }
}
