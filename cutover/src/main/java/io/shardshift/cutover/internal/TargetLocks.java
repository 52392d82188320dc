package io.shardshift.cutover.internal;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.TargetSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The targets held still during a rollback: one open transaction per target holding its tables locked
 * against writes, in target order. On success the reverse log stops and the fences the application raised
 * drop to the rollback's fence, in the same transactions.
 */
public final class TargetLocks {
    private static final Logger LOG = LoggerFactory.getLogger(TargetLocks.class);

    private final List<Connection> connections;
    private final List<TableSchema> tables;

    private TargetLocks(List<Connection> connections, List<TableSchema> tables) {
        this.connections = connections;
        this.tables = tables;
    }

    /** No target locked (before a rollback reached its copy-back step). */
    public static TargetLocks none() {
        return new TargetLocks(new ArrayList<>(), List.of());
    }

    /** Locks every target's tables; waits at most {@code timeout} for each. */
    public static TargetLocks acquire(List<TargetSpec> targets, List<TableSchema> tables, Duration timeout) throws SQLException {
        List<Connection> locked = new ArrayList<>();
        TargetLocks locks = new TargetLocks(locked, tables);
        try {
            for (TargetSpec t : targets) {
                Connection c = ReverseLog.connect(t);
                locked.add(c);
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.execute("SET LOCAL lock_timeout = " + Math.max(1, timeout.toMillis()));
                }
                ReverseLog.lock(c, tables);
            }
            return locks;
        } catch (SQLException e) {
            locks.release(false, 0, 0);
            throw e;
        }
    }

    /** The locked connection of the i-th target. */
    public Connection get(int i) {
        return connections.get(i);
    }

    public int size() {
        return connections.size();
    }

    /**
     * Ends the transactions: after a completed rollback the reverse log stops and the application's fences
     * drop to {@code fence} (the old layout is live again, its changes apply to the targets again); after an
     * abort nothing changes. After a rollback the targets also reject application writes (see
     * {@link ReverseLog#rejectAppWrites}), so a writer blocked on these locks cannot write to them once released.
     *
     * Each transaction ends once: a second call does nothing.
     *
     * @param liveGeneration the generation live after the rollback (named in the rejection)
     * @throws IllegalStateException after a rollback, naming the targets that could not commit (every target is
     *                               tried and closed first)
     */
    public void release(boolean rolledBack, long fence, long liveGeneration) {
        List<Connection> open = List.copyOf(connections);
        connections.clear();
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < open.size(); i++) {
            Connection c = open.get(i);
            try {
                if (rolledBack) {
                    ReverseLog.stop(c, tables);
                    ReverseLog.restoreFences(c, tables, fence);
                    ReverseLog.rejectAppWrites(c, tables, liveGeneration);
                    c.commit();
                } else {
                    c.rollback();
                }
            } catch (SQLException e) {
                LOG.warn("cannot release target #{} after {}: {}", i, rolledBack ? "rollback" : "abort", e.getMessage());
                failed.add("#" + i + ": " + e.getMessage());
            } finally {
                try {
                    c.close();
                } catch (SQLException e) {
                    // the lock ends with the session
                }
            }
        }
        if (rolledBack && !failed.isEmpty()) {
            throw new IllegalStateException("targets not released after the rollback (their reverse log, fences and"
                    + " write rejection did not commit): " + failed);
        }
    }
}
