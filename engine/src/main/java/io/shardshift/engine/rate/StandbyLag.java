package io.shardshift.engine.rate;

import io.shardshift.core.spec.MigrationSpec;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads the replay lag of the source's physical standbys: the largest {@code replay_lag} in
 * {@code pg_stat_replication} of the WAL senders not connected to a database (logical senders, the
 * migration's own among them, are). PostgreSQL reports no lag for a standby that is idle and caught up, and
 * none to a user without {@code pg_read_all_stats} for other users' senders: both read as "no standby lag".
 * Keeps one connection, reopened after an error.
 */
final class StandbyLag implements AutoCloseable {
    static final String QUERY = """
            SELECT coalesce(max(extract(epoch FROM r.replay_lag) * 1000), -1)::bigint
            FROM pg_stat_replication r JOIN pg_stat_activity a ON a.pid = r.pid
            WHERE a.datname IS NULL""";

    private final MigrationSpec spec;
    private Connection connection;

    StandbyLag(MigrationSpec spec) {
        this.spec = spec;
    }

    /** The largest replay lag in ms, or -1 when there is no physical standby with a lag reported. */
    long millis() throws SQLException {
        try {
            if (connection == null) {
                connection = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(),
                        spec.source().password());
                connection.setAutoCommit(true);
            }
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(QUERY)) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // reopened on the next reading
            }
            connection = null;
        }
    }
}
