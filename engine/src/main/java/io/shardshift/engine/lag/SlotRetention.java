package io.shardshift.engine.lag;

import io.shardshift.core.event.Lsn;
import io.shardshift.core.spec.MigrationSpec;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How much WAL the migration's replication slot holds back on the source: the bytes between the source's
 * current WAL position and the slot's {@code restart_lsn}, and the slot's {@code wal_status}. PostgreSQL
 * cannot recycle that WAL until capture confirms it, so a growing figure means capture is stuck, slow or
 * stopped and the source's disk fills. With {@code max_slot_wal_keep_size} set, PostgreSQL caps it instead:
 * the status goes {@code reserved} (within {@code max_wal_size}), {@code extended} (beyond it, still kept),
 * {@code unreserved} (about to be removed) and {@code lost} (removed: the slot can no longer stream, and the
 * migration must start again with a fresh backfill, see {@link #resumeRefusal}).
 */
public final class SlotRetention {
    /** {@code wal_status} of a slot whose WAL is within {@code max_wal_size}. */
    public static final String RESERVED = "reserved";
    /** {@code wal_status} of a slot that retains more than {@code max_wal_size}, within the slot limit. */
    public static final String EXTENDED = "extended";
    /** {@code wal_status} of a slot whose WAL will be removed at the next checkpoint. */
    public static final String UNRESERVED = "unreserved";
    /** {@code wal_status} of a slot whose WAL was removed: it cannot stream any more. */
    public static final String LOST = "lost";
    /** Shown when the slot does not exist. */
    public static final String MISSING = "missing";

    /** Shown when the source has no {@code wal_status} (PostgreSQL before 13). */
    public static final String UNKNOWN = "unknown";

    /** {@code wal_status} read through {@code to_jsonb} so that a source before PostgreSQL 13 answers null. */
    private static final String SQL = "SELECT pg_current_wal_lsn()::text, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint,"
            + " to_jsonb(s) ->> 'wal_status' FROM pg_replication_slots s WHERE slot_name = ?";

    /** From the least to the most severe; an unknown status ranks lowest. */
    private static final List<String> SEVERITY = List.of(UNKNOWN, RESERVED, EXTENDED, UNRESERVED, MISSING, LOST);

    private SlotRetention() {
    }

    /**
     * The source's WAL position and the slot's retained WAL, read in one query.
     *
     * @param walLsn        {@code pg_current_wal_lsn()}
     * @param retainedBytes WAL bytes the slot retains; -1 when the slot does not exist (or lost its WAL)
     * @param walStatus     the slot's {@code wal_status} ({@link #RESERVED}, {@link #EXTENDED}, {@link #UNRESERVED},
     *                      {@link #LOST}), {@link #MISSING}, or {@link #UNKNOWN} before PostgreSQL 13
     */
    public record Reading(long walLsn, long retainedBytes, String walStatus) {
    }

    /**
     * Reads every capture group's slot and returns the worst: the highest {@code wal_status} in the order
     * {@link #LOST}, {@link #MISSING}, {@link #UNRESERVED}, {@link #EXTENDED}, {@link #RESERVED}, with the most
     * retained WAL of any slot. A one-group migration has just the one slot.
     */
    public static Reading read(MigrationSpec spec) throws SQLException {
        return worst(readAll(spec).values());
    }

    /** Each capture group's slot, by slot name, group 0 first. */
    public static Map<String, Reading> readAll(MigrationSpec spec) throws SQLException {
        Map<String, Reading> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
             PreparedStatement ps = c.prepareStatement(SQL)) {
            for (String slot : spec.slotNames()) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        out.put(slot, new Reading(0, -1, MISSING));
                        continue;
                    }
                    long retained = rs.getLong(2);
                    boolean noRestartLsn = rs.wasNull();
                    String status = rs.getString(3);
                    out.put(slot, new Reading(Lsn.parse(rs.getString(1)), noRestartLsn ? -1 : retained,
                            status == null ? UNKNOWN : status));
                }
            }
        }
        return out;
    }

    /**
     * Each capture group's slot's {@code confirmed_flush_lsn} (what its engine, wherever it runs, has stored as
     * handled), by slot name; a missing slot is left out.
     */
    public static Map<String, Long> confirmedFlushLsns(MigrationSpec spec) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
             PreparedStatement ps = c.prepareStatement("SELECT slot_name, confirmed_flush_lsn::text FROM pg_replication_slots"
                     + " WHERE slot_name = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("text", spec.slotNames().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2) == null ? 0L : Lsn.parse(rs.getString(2)));
                }
            }
        }
        return out;
    }

    /** The worst of several slots' readings (see {@link #read}). */
    public static Reading worst(Collection<Reading> readings) {
        Reading worst = null;
        long retained = -1;
        long wal = 0;
        for (Reading r : readings) {
            if (worst == null || SEVERITY.indexOf(r.walStatus()) > SEVERITY.indexOf(worst.walStatus())) {
                worst = r;
            }
            retained = Math.max(retained, r.retainedBytes());
            wal = Math.max(wal, r.walLsn());
        }
        return worst == null ? new Reading(0, -1, MISSING) : new Reading(wal, retained, worst.walStatus());
    }

    /**
     * Why the migration must not resume from its slot, with the commands that start it again: present only
     * when the slot's WAL is {@link #LOST}.
     *
     * @param walStatus the slot's {@code wal_status} ({@link Reading#walStatus()})
     * @param specFile  the spec's path as the operator gave it, for the commands
     */
    public static Optional<String> resumeRefusal(MigrationSpec spec, String walStatus, String specFile) {
        if (!LOST.equals(walStatus)) {
            return Optional.empty();
        }
        StringBuilder rebackfill = new StringBuilder();
        spec.tableIds().forEach(t -> rebackfill.append(" --rebackfill ").append(t));
        boolean one = spec.captureGroups() == 1;
        return Optional.of((one ? "the replication slot " + spec.slotName() : "a replication slot of the capture groups "
                + spec.slotNames()) + " of migration " + spec.name()
                + " has lost WAL it had not streamed yet (wal_status=lost: it retained more than the source's"
                + " max_slot_wal_keep_size, e.g. while the migrator was stopped), so changes are missing and the"
                + " migration cannot resume from it. Start again with a fresh backfill:\n"
                + "  ./shardshift finish --spec " + specFile + " --force   # drops "
                + (one ? "the slot " + spec.slotName() + " and the publication " + spec.publicationName()
                        : "the slots " + spec.slotNames() + " and their publications") + "\n"
                + "  ./shardshift migrate --spec " + specFile + rebackfill
                + "   # a new slot, every table copied again\n"
                + "  ./shardshift verify --spec " + specFile + " --repair   # once streaming: removes target rows"
                + " deleted on the source while the slot was lost");
    }
}
