package io.shardshift.engine.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.cdc.ReplicationSetup;
import io.shardshift.cdc.SourceIdentity;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecException;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.sink.pg.PgFences;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds, at start, whether the source failed over since the last run, and prepares the resume on the new primary.
 *
 * <p>The source's identity ({@link SourceIdentity}: system identifier and timeline) is kept in the state topic.
 * At start:
 * <ul>
 *   <li>another system identifier: a different cluster, not a promoted copy of the old one. Refused (nothing
 *       says which of its rows are the truth for the targets).</li>
 *   <li>same timeline and the slot exists: nothing happened.</li>
 *   <li>a new timeline with the slot kept (PostgreSQL 17+, failover slot synchronised to the standby, which only
 *       lets the slot stream what the standby has): recorded, streaming resumes from the slot, no convergence.</li>
 *   <li>a new timeline or a lost slot otherwise (PostgreSQL 15: slots are not copied to standbys): the changes
 *       between the old slot's position and now are gone, and a standby that was behind its primary never had
 *       some changes the targets already applied, whose positions may be <em>higher</em> than the new primary's
 *       next ones. So: (1) the highest position the targets and the change topics hold is read; (2) the new
 *       primary's WAL is moved past it ({@code pg_switch_wal}), so every change from now on, and the new slot's
 *       consistent point, is newer than anything applied before and the LSN fences order them right; (3) capture's
 *       stored offsets are dropped (they point into the old timeline); then the runner creates the new slot and
 *       publication, and the targets are converged to the new primary (a full compare of every table with a fenced
 *       repair of every differing row and a fenced delete of every row the new primary lacks).</li>
 * </ul>
 */
final class SourceFailoverCheck {
    private static final Logger LOG = LoggerFactory.getLogger(SourceFailoverCheck.class);
    static final String IDENTITY_KEY = "source/identity";
    static final String FAILOVER_KEY = "source/failover";
    /** At most this many WAL segment switches (16 MB each by default) to move past the old positions. */
    private static final int MAX_WAL_SWITCHES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SourceFailoverCheck() {
    }

    /**
     * Runs the check; see the class comment.
     *
     * @return the failover found now or left unconverged by an earlier run; empty when none
     * @throws SpecException naming {@code source.jdbcUrl} when the source is another cluster or cannot be moved on
     */
    static Optional<SourceFailover> run(MigrationSpec spec, List<TableSchema> tables, StateTopic state) {
        Map<String, String> recorded = state.readAll();
        SourceIdentity now;
        boolean slotExists;
        try {
            now = SourceIdentity.read(spec);
            slotExists = slotExists(spec);
        } catch (SQLException e) {
            throw new SpecException("source.jdbcUrl", "cannot read the source's identity: " + e.getMessage(), e);
        }
        Optional<SourceIdentity> before = SourceIdentity.decode(recorded.get(IDENTITY_KEY));
        Optional<SourceFailover> pending = decode(recorded.get(FAILOVER_KEY)).filter(SourceFailover::needsConvergence);
        if (before.isEmpty()) {
            state.put(IDENTITY_KEY, now.encode());
            LOG.info("source of migration {}: {}", spec.name(), now);
            return Optional.empty();
        }
        SourceIdentity old = before.get();
        if (old.systemIdentifier() != now.systemIdentifier()) {
            throw new SpecException("source.jdbcUrl", "the source is another PostgreSQL cluster (system identifier "
                    + Long.toUnsignedString(now.systemIdentifier()) + ") than the one migration " + spec.name()
                    + " started on (" + Long.toUnsignedString(old.systemIdentifier()) + "): it is not a promoted standby"
                    + " of the old primary, so Shardshift cannot tell which rows are the truth. Point source.jdbcUrl at"
                    + " the old cluster or its promoted standby, or start a new migration (shardshift finish --force,"
                    + " then migrate with every table re-backfilled)");
        }
        if (old.timeline() == now.timeline() && slotExists) {
            return pending;
        }
        if (slotExists && now.supportsFailoverSlots() && old.timeline() != now.timeline()) {
            SourceFailover kept = new SourceFailover(SourceFailover.FAILOVER_SLOT_KEPT,
                    "the source moved from " + old + " to " + now + " and the failover slot(s) " + spec.slotNames()
                            + " survived the promotion", "streaming resumes from the slot; no re-backfill is needed",
                    old, now, 0, 0, SourceFailover.NOTHING_TO_CONVERGE, "", System.currentTimeMillis());
            record(state, kept);
            return Optional.of(kept);
        }
        return Optional.of(prepareResume(spec, tables, state, old, now, slotExists));
    }

    private static SourceFailover prepareResume(MigrationSpec spec, List<TableSchema> tables, StateTopic state,
                                                SourceIdentity old, SourceIdentity now, boolean slotExists) {
        boolean newTimeline = old.timeline() != now.timeline();
        String detected = newTimeline
                ? "the source moved from " + old + " to " + now + " (a promoted standby) and "
                  + (slotExists ? slotsText(spec) + " there was made after the promotion (dropped and made again)"
                                : slotsText(spec) + " is gone (PostgreSQL before 17 keeps no slot on a standby)")
                : slotsText(spec) + " is gone from the source (" + now + ")";
        long highest = highestPosition(spec, tables);
        long resumedAfter;
        try {
            if (slotExists) {
                // made before the WAL was moved on (by capture reconnecting, or an interrupted resume): start clean
                ReplicationSetup.drop(spec);
            }
            resumedAfter = advanceWalPast(spec, highest);
        } catch (SQLException e) {
            throw new SpecException("source.jdbcUrl", "cannot reset the slot or move the new primary's WAL past " + Lsn.format(highest)
                    + " (the migrator's user needs EXECUTE on pg_switch_wal() and pg_logical_emit_message()): "
                    + e.getMessage(), e);
        }
        CaptureOffsets.reset(spec);
        String action = "changes since the old slot's position are lost, so: WAL moved past every position applied before ("
                + Lsn.format(highest) + " -> " + Lsn.format(resumedAfter) + "), capture offsets dropped, a new slot and"
                + " publication on the new primary, then every table compared with the new primary and every differing"
                + " or extra target row repaired through the fenced apply path, while streaming";
        SourceFailover failover = new SourceFailover(newTimeline ? SourceFailover.PROMOTED_STANDBY : SourceFailover.SLOT_LOST,
                detected, action, old, now, highest, resumedAfter, SourceFailover.CONVERGING, "",
                System.currentTimeMillis());
        LOG.warn("source failover of migration {}: {}; {}", spec.name(), detected, action);
        record(state, failover);
        return failover;
    }

    /** Writes the failover, then the new identity (a crash between the two repeats the resume, which is idempotent). */
    static void record(StateTopic state, SourceFailover failover) {
        state.put(FAILOVER_KEY, encode(failover));
        state.put(IDENTITY_KEY, failover.current().encode());
    }

    private static long highestPosition(MigrationSpec spec, List<TableSchema> tables) {
        long highest = ChangeTopicTail.highestLsn(spec, tables);
        for (TargetSpec t : spec.targets()) {
            highest = Math.max(highest, PgFences.highest(t, tables.stream().map(TableSchema::id).toList()));
        }
        return highest;
    }

    /**
     * Switches WAL segments until the current position is past {@code lsn}; returns the position reached. A
     * logical message before each switch makes sure the segment is not empty (an empty one is not switched).
     */
    static long advanceWalPast(MigrationSpec spec, long lsn) throws SQLException {
        try (Connection c = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
             Statement s = c.createStatement()) {
            for (int i = 0; i <= MAX_WAL_SWITCHES; i++) {
                long current;
                try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")) {
                    rs.next();
                    current = rs.getBigDecimal(1).longValueExact();
                }
                if (current > lsn + 1) {
                    return current;
                }
                s.execute("SELECT pg_logical_emit_message(false, 'shardshift', 'source failover: moving past "
                        + Lsn.format(lsn) + "')");
                s.execute("SELECT pg_switch_wal()");
            }
        }
        throw new SpecException("source.jdbcUrl", "the new primary's WAL is more than " + MAX_WAL_SWITCHES
                + " segments behind " + Lsn.format(lsn) + ", the highest position the targets hold; this is not a"
                + " standby of the old primary's recent past");
    }

    /**
     * Whether every capture group's slot exists: a group whose slot is gone lost its changes, so the whole
     * migration resumes as after a lost slot (every slot made again past the highest applied position).
     */
    private static boolean slotExists(MigrationSpec spec) throws SQLException {
        try (Connection c = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("text", spec.slotNames().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == spec.captureGroups();
            }
        }
    }

    /** The slot, or the slots of every capture group, for messages. */
    private static String slotsText(MigrationSpec spec) {
        return spec.captureGroups() == 1 ? "the slot " + spec.slotName() : "the slots " + spec.slotNames();
    }

    static String encode(SourceFailover f) {
        try {
            return JSON.writeValueAsString(f);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + f, e);
        }
    }

    static Optional<SourceFailover> decode(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(text, SourceFailover.class));
        } catch (JsonProcessingException e) {
            LOG.warn("ignoring an unreadable source failover record in the state topic: {}", e.getMessage());
            return Optional.empty();
        }
    }
}
