package io.shardshift.engine.lag;

import io.shardshift.cdc.ChangeCapture;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.engine.topology.ApplyMetrics;
import io.shardshift.engine.topology.ApplyGroup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the lag of a running migration: the source's WAL position, what capture handled, the apply
 * groups' Kafka lag, and what each target applied.
 */
public final class LagMonitor implements AutoCloseable {
    private final ChangeCapture capture;
    private final ApplyMetrics metrics;
    private final Admin admin;
    private final List<ApplyGroup> groups;
    private final AppliedWatermark watermark;

    /** In a process that runs capture: capture's position is read in memory. */
    public LagMonitor(MigrationSpec spec, ChangeCapture capture, ApplyMetrics metrics) {
        this(spec, capture, metrics, AppliedWatermark.inProcess(spec, capture::lastProcessedLsn));
    }

    private LagMonitor(MigrationSpec spec, ChangeCapture capture, ApplyMetrics metrics, AppliedWatermark watermark) {
        this.capture = capture;
        this.metrics = metrics;
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        this.admin = Admin.create(p);
        this.groups = ApplyGroup.of(spec);
        this.watermark = watermark;
    }

    /**
     * In a process that does not run capture (another process of the migration does): capture's position is
     * the replication slot's {@code confirmed_flush_lsn}, which capture advances when it stores its position.
     */
    public static LagMonitor withoutCapture(MigrationSpec spec, ApplyMetrics metrics) {
        return new LagMonitor(spec, null, metrics, AppliedWatermark.standalone(spec));
    }

    /**
     * Takes a lag snapshot. A partition's Kafka lag is the largest of the {@linkplain ApplyGroup apply groups}
     * that read it: the events not yet applied to every target.
     */
    public LagSnapshot snapshot() throws SQLException, InterruptedException {
        long wal = watermark.sourceWalLsn();
        Map<String, Long> kafka = new LinkedHashMap<>();
        for (ApplyGroup group : groups) {
            for (Map.Entry<TopicPartition, Long> e : ConsumerLag.read(admin, group.applicationId(), group.topics()).entrySet()) {
                kafka.merge(e.getKey().toString(), e.getValue(), Math::max);
            }
        }
        return new LagSnapshot(wal, watermark.capturedLsn(), kafka, metrics.snapshot(), System.currentTimeMillis());
    }

    /** The capture of this process, if it runs capture. */
    public java.util.Optional<ChangeCapture> capture() {
        return java.util.Optional.ofNullable(capture);
    }

    /** Why this process's capture stopped, if it runs capture and it failed. */
    public java.util.Optional<Throwable> captureFailure() {
        return capture == null ? java.util.Optional.empty() : capture.failure();
    }

    /** Changes this process's capture published (0 when it runs no capture). */
    public long publishedCount() {
        return capture == null ? 0 : capture.publishedCount();
    }

    /** Waits for "applied up to an LSN" with capture's own position. */
    public AppliedWatermark watermark() {
        return watermark;
    }

    @Override
    public void close() {
        watermark.close();
        admin.close();
    }
}
