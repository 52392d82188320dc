package io.shardshift.cutover.internal;

import io.shardshift.cdc.LoggingContext;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.TargetSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Copies the application writes logged on the targets ({@link ReverseLog}) to the source during the
 * observation window, every {@link #PERIOD}, so the old layout stays current and a rollback only has to copy
 * what the last round left.
 *
 * <p>Each round, in one source transaction ({@code SET LOCAL shardshift.replica = on} by a user that is a member
 * of {@value ReplicaRole#NAME}, so the source's moved-write trigger lets the writes through), it reads every
 * target's progress (the last copied seq) with {@code FOR UPDATE}, applies the targets' next log entries merged
 * into one global order ({@link LogMerge}: per target in seq order, across targets by the time they were logged),
 * and records the new progress of each target; only then are the copied entries deleted from the targets' logs.
 * A crash anywhere thus neither applies an entry twice nor skips one. Entries are read only up to a horizon
 * below which every log writer has finished, and only up to the earliest time every target's log is known to
 * ({@link LogHorizon}). A delete applies only where the source row still has the deleted row's shard key value
 * ({@link LogApplier}). The progress and observation tables are {@link ReverseProgress}'s.
 *
 * <p>When the source or a target cannot be reached (a restart, a network break), the round is given up, every
 * connection closed, and the replicator connects again after a backoff ({@link #PERIOD} doubling up to
 * {@link #MAX_BACKOFF}), saying so in {@link #problem()}; nothing logged is lost meanwhile, it waits in the logs.
 * Once the window has ended it asks its {@link WindowEnd} to close the window after a round, and goes on
 * copying (with the same backoff) as long as the window cannot close.
 */
public final class ReverseReplicator implements AutoCloseable {
    /** How often the log is copied. */
    public static final Duration PERIOD = Duration.ofMillis(200);
    /** The longest wait between two attempts after a failure. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(ReverseReplicator.class);

    private final MigrationSpec spec;
    private final LogCopy copier;
    private final Instant windowEnd;
    private final WindowEnd onWindowEnd;
    private final LogHorizon horizons = new LogHorizon();
    private final Map<String, Long> copied = new ConcurrentHashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile String problem;
    private Thread thread;

    /** The observation of the cutover to a generation, as recorded on the source. */
    public record Observation(long generation, Instant windowEnd, boolean ended) {
    }

    /** Closes the observation window once it has ended. */
    @FunctionalInterface
    public interface WindowEnd {
        /**
         * Called from the replicator's thread after a round once the window's time is over.
         *
         * @return true when the window is closed (the replicator stops), false to be asked again after a backoff
         */
        boolean close(ReverseReplicator replicator);
    }

    /**
     * @param onWindowEnd asked, from the replicator's thread, to close the window once it has ended
     */
    public ReverseReplicator(MigrationSpec spec, List<TableSchema> tables, Instant windowEnd, WindowEnd onWindowEnd) {
        this.spec = spec;
        this.copier = new LogCopy(spec, tables);
        this.windowEnd = windowEnd;
        this.onWindowEnd = onWindowEnd;
    }

    /** Creates the progress and observation tables on the source (idempotent). */
    public static void prepareSource(Connection source) throws SQLException {
        ReverseProgress.prepareSource(source);
    }

    /** Records, in the caller's source transaction, a new observation window with every target's progress at 0. */
    public static void begin(Connection source, String migration, List<String> targets, long generation, Instant windowEnd)
            throws SQLException {
        ReverseProgress.begin(source, migration, targets, generation, windowEnd);
    }

    /** Marks the observation ended, in the caller's source transaction. */
    public static void end(Connection source, String migration) throws SQLException {
        ReverseProgress.end(source, migration);
    }

    /**
     * A rollback the source committed whose targets are not released yet.
     *
     * @param fence      the rollback's fence LSN (the application's fences on the targets drop to it)
     * @param generation the generation the rollback made live
     */
    public record PendingRelease(long fence, long generation) {
    }

    /**
     * Marks the observation ended by a rollback, in the rollback's source transaction, with its targets still to
     * release: {@link #pendingRelease} names it until {@link #released} records the release.
     */
    public static void endByRollback(Connection source, String migration, long fence, long generation)
            throws SQLException {
        ReverseProgress.endByRollback(source, migration, fence, generation);
    }

    /** The committed rollback whose targets are not released yet, if any. */
    public static Optional<PendingRelease> pendingRelease(Connection source, String migration) throws SQLException {
        return ReverseProgress.pendingRelease(source, migration);
    }

    /** Records that the last rollback's targets are released. */
    public static void released(Connection source, String migration) throws SQLException {
        ReverseProgress.released(source, migration);
    }

    /** The recorded observation of a migration, if a cutover recorded one. */
    public static Optional<Observation> observation(Connection source, String migration) throws SQLException {
        return ReverseProgress.observation(source, migration);
    }

    public Instant windowEnd() {
        return windowEnd;
    }

    /** Starts copying in a thread of its own. */
    public synchronized ReverseReplicator start() {
        thread = new Thread(this::run, "reverse-replicator-" + spec.name());
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void run() {
        try (LoggingContext.Scope ignored = LoggingContext.forMigration(spec.name()).with(LoggingContext.PHASE, "reverse-replication")) {
            replicate();
        }
    }

    private void replicate() {
        Connection source = null;
        Map<String, Connection> targets = new LinkedHashMap<>();
        int failures = 0;
        int refusals = 0;
        try {
            while (!stopping) {
                long wait = PERIOD.toMillis();
                try {
                    if (source == null) {
                        source = LogCopy.connect("the source", this::connectSource);
                    }
                    round(source, targets);
                    if (failures > 0) {
                        LOG.info("reverse replication of {} is connected again after {} failed attempts", spec.name(), failures);
                    }
                    failures = 0;
                    problem = null;
                } catch (SQLException e) {
                    wait = backoff(++failures);
                    problem = "reconnecting after: " + oneLine(e.getMessage()) + " (attempt " + failures + ", next in "
                            + wait + " ms)";
                    LOG.warn("reverse replication of {}: {}", spec.name(), problem);
                    closeQuietly(source);
                    source = null;
                    targets.values().forEach(ReverseReplicator::closeQuietly);
                    targets.clear();
                    horizons.forgetAll();
                }
                if (!Instant.now().isBefore(windowEnd)) {
                    if (onWindowEnd.close(this)) {
                        return;
                    }
                    wait = Math.max(wait, backoff(++refusals));
                }
                stop.await(wait, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            problem = "stopped: " + e.getMessage();
            LOG.error("reverse replication of {} stopped: {}", spec.name(), e.getMessage(), e);
        } finally {
            closeQuietly(source);
            targets.values().forEach(ReverseReplicator::closeQuietly);
        }
    }

    /** {@link #PERIOD} doubled per failure, at most {@link #MAX_BACKOFF}. */
    static long backoff(int failures) {
        long wait = PERIOD.toMillis() << Math.min(failures - 1, 16);
        return Math.min(wait, MAX_BACKOFF.toMillis());
    }

    /** A database error's message on one line (PostgreSQL adds its detail on lines of their own). */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\n\\s*", "; ");
    }

    /** Why copying is held up now (a connection being retried), or null when it runs. */
    public String problem() {
        return problem;
    }

    /** One round: every target's horizon, then one copy of all targets' entries in one order, then the purge. */
    private void round(Connection source, Map<String, Connection> targets) throws SQLException {
        Map<String, Long> upTo = new LinkedHashMap<>();
        long cutoff = Long.MAX_VALUE;
        boolean known = true;
        for (TargetSpec t : spec.targets()) {
            Connection c = targets.get(t.name());
            if (c == null) {
                c = LogCopy.connect("target " + t.name(), () -> ReverseLog.connect(t));
                targets.put(t.name(), c);
            }
            Connection target = c;
            LogHorizon.Horizon h = LogCopy.onTarget(t.name(), () -> horizons.advance(target, t.name()));
            if (h == null) {
                known = false;
            } else {
                upTo.put(t.name(), h.seq());
                cutoff = Math.min(cutoff, h.readAt());
            }
        }
        if (!known) {
            return;
        }
        count(copier.commitAndPurge(source, targets, upTo, cutoff));
    }

    private void count(LogCopy.Copied round) {
        round.perTarget().forEach((name, n) -> copied.merge(name, n, Long::sum));
        if (round.writes() > 0) {
            LOG.debug("reverse replication: {} writes copied to the source (progress {})", round.writes(), round.lastSeq());
        }
    }

    /** Copies everything logged on the targets (the window is closing: their logging triggers are gone). */
    public LogCopy.Copied copyRemaining() throws SQLException {
        Map<String, Connection> targets = new LinkedHashMap<>();
        try (Connection source = LogCopy.connect("the source", this::connectSource)) {
            Map<String, Long> upTo = new LinkedHashMap<>();
            for (TargetSpec t : spec.targets()) {
                targets.put(t.name(), LogCopy.connect("target " + t.name(), () -> ReverseLog.connect(t)));
                upTo.put(t.name(), Long.MAX_VALUE);
            }
            LogCopy.Copied all = copier.commitAndPurge(source, targets, upTo, Long.MAX_VALUE);
            count(all);
            return all;
        } finally {
            targets.values().forEach(ReverseReplicator::closeQuietly);
        }
    }

    /** Writes logged on the targets above their recorded progress (not yet on the source). */
    public long uncopied() throws SQLException {
        long total = 0;
        try (Connection source = LogCopy.connect("the source", this::connectSource)) {
            for (TargetSpec t : spec.targets()) {
                long last = ReverseProgress.lastSeq(source, spec.name(), t.name(), false);
                try (Connection c = LogCopy.connect("target " + t.name(), () -> ReverseLog.connect(t))) {
                    total += LogCopy.onTarget(t.name(), () -> LogApplier.countAfter(c, last));
                }
            }
        }
        return total;
    }

    /**
     * Writes logged on the targets and not yet copied to the source (a status figure; a target that cannot
     * be read counts as -1).
     */
    public long lag() {
        try {
            return uncopied();
        } catch (SQLException e) {
            LOG.warn("cannot read the reverse replication lag of {}: {}", spec.name(), e.getMessage());
            return -1;
        }
    }

    /** Writes copied to the source by this replicator, per target. */
    public Map<String, Long> copied() {
        return Map.copyOf(copied);
    }

    /** True once {@link #close()} was called: a window-end callback should give up waiting. */
    public boolean stopping() {
        return stopping;
    }

    /** A source connection that gives up on a server gone away instead of hanging. */
    private Connection connectSource() throws SQLException {
        Properties p = new Properties();
        if (spec.source().user() != null) {
            p.setProperty("user", spec.source().user());
        }
        p.setProperty("password", spec.source().password() == null ? "" : spec.source().password());
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "120");
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(spec.source().jdbcUrl(), p);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
    }

    /** Stops copying and waits for the current round to end (never call it from the window-end callback). */
    @Override
    public void close() {
        stopping = true;
        stop.countDown();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
