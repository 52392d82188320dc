package io.shardshift.sink.pg.internal;

import io.shardshift.core.sink.SinkException;
import io.shardshift.core.sink.TargetUnavailableException;
import io.shardshift.core.spec.TargetSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * One connection to a target, reopened when lost, that runs units of work in a transaction and retries
 * them while the error is {@linkplain SqlStates.Kind#RETRIABLE retriable}, with exponential backoff. When
 * the retries run out on an {@linkplain SqlStates#isOutage outage}, it throws
 * {@link TargetUnavailableException}. A session {@linkplain #outagesToCaller handing outages to its caller}
 * retries an outage once only (on a new connection, which replaces a connection left stale by a target
 * restart) and leaves the waiting to the caller. Not thread-safe: one session per writer.
 */
public final class PgSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgSession.class);

    /** Work on a connection inside a transaction the session begins and commits. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final TargetSpec target;
    private final String purpose;
    private final int maxRetries;
    private final Backoff backoff;
    private final Work<Void> onConnect;
    private boolean outagesToCaller;
    private Duration timeout;
    private Connection connection;

    /**
     * @param purpose    a word for the application name, e.g. {@code sink}
     * @param maxRetries how many times a unit of work is retried after a retriable error
     * @param onConnect  work run (in autocommit mode) on every new connection, e.g. creating temp tables
     */
    public PgSession(TargetSpec target, String purpose, int maxRetries, Backoff backoff, Work<Void> onConnect) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
        }
        this.target = target;
        this.purpose = purpose;
        this.maxRetries = maxRetries;
        this.backoff = backoff;
        this.onConnect = onConnect;
    }

    public TargetSpec target() {
        return target;
    }

    /**
     * Makes this session throw {@link TargetUnavailableException} after one retry of an outage, and open its
     * connections with {@code timeout} on connecting and on every wait for the server (see
     * {@link Targets#connect(TargetSpec, String, Duration)}), so a stalled network fails a write instead of
     * hanging it. Call before the first unit of work.
     *
     * @return this session
     */
    public PgSession outagesToCaller(Duration timeout) {
        this.outagesToCaller = true;
        this.timeout = timeout;
        return this;
    }

    /**
     * Runs the work in one transaction and commits it. Retriable errors roll back and retry the whole
     * work (on a new connection when the old one is lost), at most {@code maxRetries} times; then, and on
     * fatal errors at once, a {@link SinkException} is thrown with {@code what} in its message. Data errors
     * are rolled back and thrown to the caller, which decides which event to reject.
     *
     * @param what names the work for messages: target, table and LSN range
     * @throws SQLException only for errors of kind {@link SqlStates.Kind#DATA}
     */
    public <T> T inTransaction(Supplier<String> what, Work<T> work) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try {
                Connection c = connection();
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException e) {
                rollbackQuietly();
                SqlStates.Kind kind = SqlStates.classify(e);
                String reason = reason(e);
                if (kind == SqlStates.Kind.DATA) {
                    throw e;
                }
                if (kind == SqlStates.Kind.FATAL) {
                    throw new SinkException(what.get() + " failed on " + Targets.describe(target) + ": " + reason, e);
                }
                boolean outage = SqlStates.isOutage(e);
                if (outage && attempt >= (outagesToCaller ? Math.min(1, maxRetries) : maxRetries)) {
                    dropIfLost(e);
                    throw new TargetUnavailableException(target.name(), what.get() + " failed on "
                            + Targets.describe(target) + ": " + reason, e);
                }
                if (attempt >= maxRetries) {
                    throw new SinkException(what.get() + " failed on " + Targets.describe(target) + " after "
                            + (attempt + 1) + " attempts: " + reason, e);
                }
                LOG.warn("{} failed on {} (attempt {} of {}), retrying: {}", what.get(), Targets.describe(target),
                        attempt + 1, maxRetries + 1, reason);
                dropIfLost(e);
                backoff.pause(attempt + 1);
            } catch (RuntimeException e) {
                rollbackQuietly();
                throw e;
            }
        }
    }

    /** {@code SQLSTATE message}, with the target's password masked should it ever appear. */
    public String reason(SQLException e) {
        String state = SqlStates.state(e);
        return Targets.scrub((state == null ? "" : state + " ") + e.getMessage(), target);
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = Targets.connect(target, purpose, timeout);
            try {
                c.setAutoCommit(true);
                if (onConnect != null) {
                    onConnect.run(c);
                }
                c.setAutoCommit(false);
            } catch (SQLException e) {
                closeQuietly(c);
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    private void dropIfLost(SQLException e) {
        String state = SqlStates.state(e);
        boolean lost = state == null || state.startsWith("08") || state.startsWith("57P");
        try {
            lost = lost || connection == null || !connection.isValid(5);
        } catch (SQLException ignored) {
            lost = true;
        }
        if (lost && connection != null) {
            closeQuietly(connection);
            connection = null;
        }
    }

    private void rollbackQuietly() {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback on {} failed: {}", Targets.describe(target), e.toString());
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the connection is being dropped anyway
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            closeQuietly(connection);
            connection = null;
        }
    }
}
