package io.shardshift.migrator.lag;

import io.shardshift.cdc.ChangeCapture;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.migrator.topology.ApplyMetrics;
import io.shardshift.migrator.topology.ApplyStreams;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the lag of a running migration: the source's WAL position, what capture handled, the apply
 * group's Kafka lag, and what each target applied. Also emits the drain marker that proves capture has
 * handled everything committed before a point.
 */
public final class LagMonitor implements AutoCloseable {
    /** The prefix of the logical decoding messages Shardshift writes into the source's WAL. */
    public static final String MESSAGE_PREFIX = "shardshift";

    private final MigrationSpec spec;
    private final ChangeCapture capture;
    private final ApplyMetrics metrics;
    private final Admin admin;
    private final List<String> topics;

    public LagMonitor(MigrationSpec spec, ChangeCapture capture, ApplyMetrics metrics) {
        this.spec = spec;
        this.capture = capture;
        this.metrics = metrics;
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        this.admin = Admin.create(p);
        this.topics = spec.tableIds().stream().map(spec::changeTopic).toList();
    }

    /** Takes a lag snapshot. */
    public LagSnapshot snapshot() throws SQLException, InterruptedException {
        long wal = query("SELECT pg_current_wal_lsn()::text");
        Map<String, Long> kafka = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Long> e : ConsumerLag.read(admin, ApplyStreams.applicationId(spec), topics).entrySet()) {
            kafka.put(e.getKey().toString(), e.getValue());
        }
        return new LagSnapshot(wal, capture.lastProcessedLsn(), kafka, metrics.snapshot(), System.currentTimeMillis());
    }

    /**
     * Writes a non-transactional logical decoding message into the source's WAL and returns its LSN. Once
     * capture has handled it, every transaction committed before it has been published.
     */
    public long emitMarker(String content) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_logical_emit_message(false, '" + MESSAGE_PREFIX + "', '"
                     + content.replace("'", "''") + "')::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    private long query(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
    }

    /** The capture this monitor reads. */
    public ChangeCapture capture() {
        return capture;
    }

    @Override
    public void close() {
        admin.close();
    }
}
