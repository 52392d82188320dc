package io.shardshift.engine.run;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Serialises the set-up of one migration (preflight, provisioning, topics, publication and slot) among the migrator
 * processes started with the same spec: a session-level PostgreSQL advisory lock on the source, keyed by the
 * migration's name. Whoever comes second waits, then finds everything in place. The lock goes with the session,
 * so a process killed during its set-up releases it.
 *
 * <p>When the source cannot be reached the lock is not taken and {@link #acquire} returns a no-op: the preflight
 * that follows names what is wrong with the source.
 */
final class SetupLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SetupLock.class);
    private static final Duration POLL = Duration.ofMillis(250);

    private final Connection connection;
    private final String key;

    private SetupLock(Connection connection, String key) {
        this.connection = connection;
        this.key = key;
    }

    /**
     * Takes the migration's set-up lock, waiting up to {@code timeout} for another process's set-up to end.
     *
     * @throws SpecException naming {@code source.jdbcUrl} when another process holds it for longer
     */
    static SetupLock acquire(MigrationSpec spec, Duration timeout) {
        String key = "shardshift/setup/" + spec.name();
        Connection c;
        try {
            c = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
        } catch (SQLException e) {
            return new SetupLock(null, key);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean waited = false;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
            ps.setString(1, key);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        if (waited) {
                            LOG.info("migration {}: another process's set-up ended; setting up (checks find what it made)", spec.name());
                        }
                        return new SetupLock(c, key);
                    }
                }
                if (!waited) {
                    LOG.info("migration {}: another migrator process is setting it up; waiting for it", spec.name());
                    waited = true;
                }
                if (System.nanoTime() > deadline) {
                    closeQuietly(c);
                    throw new SpecException("source.jdbcUrl", "another migrator process of migration " + spec.name()
                            + " has held its set-up lock for over " + timeout.toSeconds() + " s (see pg_locks, locktype"
                            + " advisory); stop it or wait for its set-up to end");
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (SQLException e) {
            closeQuietly(c);
            return new SetupLock(null, key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(c);
            throw new IllegalStateException("interrupted while waiting for the set-up lock of migration " + spec.name(), e);
        }
    }

    /** Releases the lock (closing the session releases it too). */
    @Override
    public void close() {
        if (connection == null) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
            ps.setString(1, key);
            ps.execute();
        } catch (SQLException e) {
            LOG.debug("set-up lock release: {}", e.getMessage());
        } finally {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the session's end releases the lock
        }
    }
}
