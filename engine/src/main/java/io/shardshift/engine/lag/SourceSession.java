package io.shardshift.engine.lag;

import io.shardshift.core.spec.MigrationSpec;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * One long-lived connection to the source for the watermark's small queries (WAL position, markers, slot
 * position), so a drain does not pay a connection set-up (authentication included) on its critical path.
 * Calls are serialized; a broken connection is replaced once and the call retried.
 */
final class SourceSession implements AutoCloseable {
    /** A query on the session's connection. */
    @FunctionalInterface
    interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    private final MigrationSpec spec;
    private Connection connection;
    private boolean closed;

    SourceSession(MigrationSpec spec) {
        this.spec = spec;
    }

    /** Runs the query (autocommit on); on a failure with a closed connection, reconnects and runs it again. */
    synchronized <T> T call(Query<T> query) throws SQLException {
        if (closed) {
            throw new SQLException("the source session of migration " + spec.name() + " is closed");
        }
        try {
            return query.run(connection());
        } catch (SQLException e) {
            if (connection == null || connection.isClosed() || !connection.isValid(1)) {
                drop();
                return query.run(connection());
            }
            throw e;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
            connection.setAutoCommit(true);
        }
        return connection;
    }

    private void drop() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // replaced below
            }
            connection = null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        drop();
    }
}
