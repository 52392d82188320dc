package io.shardshift.engine.lag;

import io.shardshift.cdc.CaptureGroups;
import io.shardshift.cdc.ChangeCapture;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.engine.topology.ApplyGroup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Answers "has every change committed on the source up to LSN L been applied to every target?" while
 * writes go on. Two steps: capture has handled L (so every change before L is on the change topics), then
 * every {@linkplain ApplyGroup apply group} has committed offsets at or past the end offsets seen at that
 * moment (the topology commits only after the group's targets have the events). Works in the migrator's
 * process (capture's own position) and from another process (the slot's {@code confirmed_flush_lsn}, which Debezium advances
 * when it stores its offsets).
 *
 * <p>Built for a short wait under a cutover's write freeze: one long-lived source connection (no
 * connection set-up per call), a transactional marker (its commit flushes the WAL, so the WAL sender ships
 * it at once instead of after the WAL writer's next flush), the change topics' partitions looked up once,
 * and short polls while waiting. {@link #lastDrain()} tells where the time of the last wait went.
 */
public final class AppliedWatermark implements AutoCloseable {
    /** How often capture's in-process position is read while waiting (a memory read). */
    private static final long IN_PROCESS_POLL_NANOS = 1_000_000;
    /** How often the slot's position (a query) or the committed offsets (a Kafka request) are read. */
    private static final long REMOTE_POLL_NANOS = 5_000_000;

    private final MigrationSpec spec;
    private final LongSupplier capturedLsn;
    private final long capturePollNanos;
    private final SourceSession session;
    private final Admin admin;
    private final List<ApplyGroup> groups;
    private volatile Map<String, List<TopicPartition>> partitions;
    private volatile DrainTimings lastDrain;

    private AppliedWatermark(MigrationSpec spec, LongSupplier capturedLsn, long capturePollNanos, SourceSession session) {
        this.spec = spec;
        this.capturedLsn = capturedLsn;
        this.capturePollNanos = capturePollNanos;
        this.session = session;
        java.util.Properties p = new java.util.Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        this.admin = Admin.create(p);
        this.groups = ApplyGroup.of(spec);
    }

    /** In the migrator's process: capture's position is given (e.g. {@code capture::lastProcessedLsn}). */
    public static AppliedWatermark inProcess(MigrationSpec spec, LongSupplier capturedLsn) {
        return new AppliedWatermark(spec, capturedLsn, IN_PROCESS_POLL_NANOS, new SourceSession(spec));
    }

    /**
     * In a process that runs capture: while every capture group's engine runs here, capture's position is read in
     * memory ({@link CaptureGroups#lastProcessedLsn()}); while some run in another process, it is the lowest
     * {@code confirmed_flush_lsn} of the groups' slots, read at most every few milliseconds.
     */
    public static AppliedWatermark inProcess(MigrationSpec spec, CaptureGroups capture) {
        SourceSession session = new SourceSession(spec);
        long[] cached = {0, 0};
        LongSupplier position = () -> {
            if (capture.holdsAll()) {
                return capture.lastProcessedLsn();
            }
            synchronized (cached) {
                if (System.nanoTime() - cached[1] > REMOTE_POLL_NANOS) {
                    cached[0] = slotConfirmedLsn(spec, session);
                    cached[1] = System.nanoTime();
                }
                return cached[0];
            }
        };
        return new AppliedWatermark(spec, position, IN_PROCESS_POLL_NANOS, session);
    }

    /** From any process: capture's position is read from the replication slot. */
    public static AppliedWatermark standalone(MigrationSpec spec) {
        SourceSession session = new SourceSession(spec);
        return new AppliedWatermark(spec, () -> slotConfirmedLsn(spec, session), REMOTE_POLL_NANOS, session);
    }

    /** The source's current WAL position. */
    public long sourceWalLsn() throws SQLException {
        return session.call(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                return Lsn.parse(rs.getString(1));
            }
        });
    }

    /**
     * Writes a logical decoding message into the source's WAL and returns its LSN; once capture has handled
     * it, every transaction committed before it is on the change topics. The message is transactional: its
     * own commit flushes the WAL (with {@code synchronous_commit=on}), so the WAL sender, which only ships
     * flushed WAL, sends it at once even when nothing else commits (a write freeze).
     */
    public long emitMarker(String content) throws SQLException {
        return session.call(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_logical_emit_message(true, ?, ?)::text")) {
                ps.setString(1, ChangeCapture.MARKER_PREFIX);
                ps.setString(2, content);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Lsn.parse(rs.getString(1));
                }
            }
        });
    }

    /**
     * Capture's position: the source LSN handled and published by every capture group (the lowest of the
     * groups' positions).
     */
    public long capturedLsn() {
        return capturedLsn.getAsLong();
    }

    /** Where the time of the last {@link #awaitApplied} that returned went. */
    public Optional<DrainTimings> lastDrain() {
        return Optional.ofNullable(lastDrain);
    }

    /**
     * Waits until every change committed before {@code lsn} is applied to every target. Writes a marker
     * after {@code lsn} so an idle source still moves capture past it.
     *
     * @throws TimeoutException naming what was still behind
     */
    public void awaitApplied(long lsn, Duration timeout) throws SQLException, InterruptedException, TimeoutException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long marker = Math.max(lsn, emitMarker("watermark"));
        long marked = System.nanoTime();
        while (capturedLsn() < marker) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("capture has handled up to " + Lsn.format(capturedLsn()) + " (the lowest of"
                        + " its capture groups " + spec.slotNames() + "), not yet " + Lsn.format(marker) + " after " + timeout);
            }
            LockSupport.parkNanos(capturePollNanos);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for capture to reach " + Lsn.format(marker));
            }
        }
        long captured = System.nanoTime();
        Map<String, List<TopicPartition>> tps = partitions();
        Set<TopicPartition> all = new HashSet<>();
        tps.values().forEach(all::addAll);
        Map<TopicPartition, Long> ends = ConsumerLag.endOffsetsOf(admin, all);
        long ended = System.nanoTime();
        int polls = 0;
        while (true) {
            polls++;
            Map<String, Map<TopicPartition, Long>> behind = new TreeMap<>();
            for (Map.Entry<String, List<TopicPartition>> group : tps.entrySet()) {
                Map<TopicPartition, Long> groupEnds = new HashMap<>();
                group.getValue().forEach(tp -> groupEnds.put(tp, ends.get(tp)));
                Map<TopicPartition, Long> late = behind(groupEnds,
                        ConsumerLag.committedOffsets(admin, group.getKey(), group.getValue()));
                if (!late.isEmpty()) {
                    behind.put(group.getKey(), late);
                }
            }
            if (behind.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("apply has not reached the end offsets (events behind, by group) " + behind
                        + " after " + timeout);
            }
            LockSupport.parkNanos(REMOTE_POLL_NANOS);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for apply to commit " + behind);
            }
        }
        long done = System.nanoTime();
        lastDrain = new DrainTimings(millis(marked - start), millis(captured - marked), millis(ended - captured),
                millis(done - ended), polls);
    }

    /** The partitions each apply group reads, by group id, looked up once. */
    private Map<String, List<TopicPartition>> partitions() throws InterruptedException {
        Map<String, List<TopicPartition>> known = partitions;
        if (known == null) {
            known = new LinkedHashMap<>();
            for (ApplyGroup group : groups) {
                known.put(group.applicationId(), ConsumerLag.partitions(admin, group.topics()));
            }
            partitions = known;
        }
        return known;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private static Map<TopicPartition, Long> behind(Map<TopicPartition, Long> ends, Map<TopicPartition, Long> committed) {
        Map<TopicPartition, Long> behind = new HashMap<>();
        ends.forEach((tp, end) -> {
            long c = committed.getOrDefault(tp, 0L);
            if (c < end) {
                behind.put(tp, end - c);
            }
        });
        return behind;
    }

    /**
     * The lowest {@code confirmed_flush_lsn} over every capture group's slot: capture has handled an LSN only when
     * every group has. A missing slot (or one that confirmed nothing) counts as 0, so a wait never passes on it.
     */
    private static long slotConfirmedLsn(MigrationSpec spec, SourceSession session) {
        List<String> slots = spec.slotNames();
        try {
            return session.call(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT slot_name, confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ANY(?)")) {
                    ps.setArray(1, c.createArrayOf("text", slots.toArray()));
                    Map<String, Long> confirmed = new HashMap<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            confirmed.put(rs.getString(1), rs.getString(2) == null ? 0L : Lsn.parse(rs.getString(2)));
                        }
                    }
                    return slots.stream().mapToLong(s -> confirmed.getOrDefault(s, 0L)).min().orElse(0L);
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read slots " + slots + " on the source: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        admin.close();
        session.close();
    }
}
