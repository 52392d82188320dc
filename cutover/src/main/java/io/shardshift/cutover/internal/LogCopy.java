package io.shardshift.cutover.internal;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One copy of the targets' logged writes to the source: in the caller's source transaction ({@code SET LOCAL
 * shardshift.replica = on}), each target's progress read {@code FOR UPDATE}, the entries above it merged into one
 * order ({@link LogMerge}) and applied ({@link LogApplier}), and each target's new progress recorded, so the writes
 * and their progress commit together. Used by the {@link ReverseReplicator}'s rounds, a rollback's copy-back and a
 * rollback finished after a crash ({@link RollbackRelease}).
 */
public final class LogCopy {
    private final MigrationSpec spec;
    private final LogApplier applier;

    public LogCopy(MigrationSpec spec, List<TableSchema> tables) {
        this.spec = spec;
        this.applier = new LogApplier(spec, tables);
    }

    /** {@link #copyInto} in a source transaction of its own, then, once it committed, the copied entries purged. */
    Copied commitAndPurge(Connection source, Map<String, Connection> targets, Map<String, Long> upTo, long cutoff)
            throws SQLException {
        source.setAutoCommit(false);
        Copied round;
        try {
            round = copyInto(source, targets, upTo, cutoff);
            source.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                source.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            try {
                source.setAutoCommit(true);
            } catch (SQLException e) {
                // a broken connection is replaced by the next attempt
            }
        }
        for (Map.Entry<String, Long> p : round.lastSeq().entrySet()) {
            onTarget(p.getKey(), () -> {
                LogApplier.purge(targets.get(p.getKey()), p.getValue());
                return null;
            });
        }
        return round;
    }

    /**
     * Copies the targets' logged writes above their recorded progress, each up to its {@code upTo} seq and none
     * logged after {@code cutoff}, merged into one order ({@link LogMerge}), into the caller's open source
     * transaction, and records each target's new progress in it. Under a rollback, with the target tables
     * locked, pass {@link Long#MAX_VALUE} for both: everything logged is complete.
     *
     * @param targets a connection per target name
     * @param upTo    per target name, the highest seq to copy
     * @param cutoff  the latest logging time to copy, in microseconds since the epoch
     * @return writes copied, and the progress recorded
     */
    public Copied copyInto(Connection source, Map<String, Connection> targets, Map<String, Long> upTo, long cutoff)
            throws SQLException {
        try (Statement st = source.createStatement()) {
            st.execute("SET LOCAL shardshift.replica = on");
        }
        Map<String, Long> progress = new LinkedHashMap<>();
        for (String name : targets.keySet()) {
            progress.put(name, ReverseProgress.lastSeq(source, spec.name(), name, true));
        }
        Map<String, Long> perTarget = new LinkedHashMap<>();
        long n = 0;
        while (true) {
            Map<String, List<LogApplier.Entry>> batches = new LinkedHashMap<>();
            long cut = cutoff;
            for (Map.Entry<String, Connection> t : targets.entrySet()) {
                String name = t.getKey();
                List<LogApplier.Entry> batch = onTarget(name, () -> LogApplier.read(t.getValue(), name, progress.get(name),
                        upTo.getOrDefault(name, 0L)));
                if (batch.size() == LogApplier.BATCH) {
                    cut = Math.min(cut, batch.get(batch.size() - 1).loggedAt());
                }
                batches.put(name, batch);
            }
            List<LogApplier.Entry> merged = LogMerge.merge(batches, cut);
            if (merged.isEmpty()) {
                break;
            }
            applier.apply(source, merged);
            for (LogApplier.Entry e : merged) {
                progress.put(e.target(), e.seq());
                perTarget.merge(e.target(), 1L, Long::sum);
            }
            n += merged.size();
        }
        for (Map.Entry<String, Long> p : progress.entrySet()) {
            ReverseProgress.recordLastSeq(source, spec.name(), p.getKey(), p.getValue());
        }
        return new Copied(n, Map.copyOf(progress), Map.copyOf(perTarget));
    }

    /**
     * What one {@link #copyInto} did.
     *
     * @param writes    entries copied
     * @param lastSeq   per target, the progress recorded with them: every entry up to it is on the source
     * @param perTarget per target, the entries copied
     */
    public record Copied(long writes, Map<String, Long> lastSeq, Map<String, Long> perTarget) {
    }

    /** Something that talks to one database. */
    @FunctionalInterface
    interface Sql<T> {
        T run() throws SQLException;
    }

    static Connection connect(String what, Sql<Connection> connect) throws SQLException {
        try {
            return connect.run();
        } catch (SQLException e) {
            throw new SQLException("cannot connect to " + what + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /** Runs {@code sql} on a target, naming it in a failure. */
    static <T> T onTarget(String name, Sql<T> sql) throws SQLException {
        try {
            return sql.run();
        } catch (SQLException e) {
            throw new SQLException("target " + name + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }
}
