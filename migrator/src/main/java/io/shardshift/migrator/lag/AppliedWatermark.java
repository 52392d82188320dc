package io.shardshift.migrator.lag;

import io.shardshift.cdc.ChangeCapture;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.migrator.topology.ApplyStreams;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Answers "has every change committed on the source up to LSN L been applied to every target?" while
 * writes go on. Two steps: capture has handled L (so every change before L is on the change topics), then
 * the apply group has committed offsets at or past the end offsets seen at that moment (the topology
 * commits only after the targets have the events). Works in the migrator's process (capture's own
 * position) and from another process (the slot's {@code confirmed_flush_lsn}, which Debezium advances
 * when it stores its offsets).
 */
public final class AppliedWatermark implements AutoCloseable {
    private final MigrationSpec spec;
    private final LongSupplier capturedLsn;
    private final Admin admin;
    private final List<String> topics;

    private AppliedWatermark(MigrationSpec spec, LongSupplier capturedLsn) {
        this.spec = spec;
        this.capturedLsn = capturedLsn;
        java.util.Properties p = new java.util.Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        this.admin = Admin.create(p);
        this.topics = spec.tableIds().stream().map(spec::changeTopic).toList();
    }

    /** In the migrator's process: capture's position is given (e.g. {@code capture::lastProcessedLsn}). */
    public static AppliedWatermark inProcess(MigrationSpec spec, LongSupplier capturedLsn) {
        return new AppliedWatermark(spec, capturedLsn);
    }

    /** From any process: capture's position is read from the replication slot. */
    public static AppliedWatermark standalone(MigrationSpec spec) {
        return new AppliedWatermark(spec, () -> slotConfirmedLsn(spec));
    }

    /** The source's current WAL position. */
    public long sourceWalLsn() throws SQLException {
        try (Connection c = connect(spec); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    /**
     * Writes a non-transactional logical decoding message into the source's WAL and returns its LSN; once
     * capture has handled it, every transaction committed before it is on the change topics.
     */
    public long emitMarker(String content) throws SQLException {
        try (Connection c = connect(spec);
             PreparedStatement ps = c.prepareStatement("SELECT pg_logical_emit_message(false, ?, ?)::text")) {
            ps.setString(1, ChangeCapture.MARKER_PREFIX);
            ps.setString(2, content);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Lsn.parse(rs.getString(1));
            }
        }
    }

    /** Capture's position: the highest source LSN handled and published. */
    public long capturedLsn() {
        return capturedLsn.getAsLong();
    }

    /**
     * Waits until every change committed before {@code lsn} is applied to every target. Writes a marker
     * after {@code lsn} so an idle source still moves capture past it.
     *
     * @throws TimeoutException naming what was still behind
     */
    public void awaitApplied(long lsn, Duration timeout) throws SQLException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long marker = Math.max(lsn, emitMarker("watermark"));
        while (capturedLsn() < marker) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("capture has handled up to " + Lsn.format(capturedLsn()) + ", not yet "
                        + Lsn.format(marker) + " after " + timeout);
            }
            Thread.sleep(50);
        }
        Map<TopicPartition, Long> ends = ConsumerLag.endOffsets(admin, topics);
        while (true) {
            Map<TopicPartition, Long> behind = behind(ends, ConsumerLag.committedOffsets(admin, ApplyStreams.applicationId(spec)));
            if (behind.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("apply has not reached the end offsets " + behind + " after " + timeout);
            }
            Thread.sleep(50);
        }
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

    private static long slotConfirmedLsn(MigrationSpec spec) {
        try (Connection c = connect(spec);
             PreparedStatement ps = c.prepareStatement(
                     "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, spec.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getString(1) != null ? Lsn.parse(rs.getString(1)) : 0L;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read slot " + spec.slotName() + " on the source: " + e.getMessage(), e);
        }
    }

    private static Connection connect(MigrationSpec spec) throws SQLException {
        return DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
    }

    @Override
    public void close() {
        admin.close();
    }
}
