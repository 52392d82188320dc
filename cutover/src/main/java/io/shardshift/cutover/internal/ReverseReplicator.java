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
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Copies the application writes logged on the targets ({@link ReverseLog}) to the source during the
 * observation window, every {@link #PERIOD}, so the old layout stays current and a rollback only has to copy
 * what the last round left.
 *
 * <p>Per target and round: in one source transaction ({@code SET LOCAL shardshift.replica = on} by a user
 * that is a member of {@value ReplicaRole#NAME}, so the
 * source's moved-write trigger lets the writes through) it reads the target's progress (the last copied
 * seq) with {@code FOR UPDATE}, applies the next log entries in seq order, and records the new progress; only
 * then are the copied entries deleted from the target's log. A crash anywhere thus neither applies an entry
 * twice nor skips one. Entries are read only up to a horizon below which every log writer has finished: the
 * sequence value read before a snapshot of the target, once every transaction in progress in that snapshot
 * has ended ({@link LogHorizon}). A delete applies only where the source row still has the deleted row's shard
 * key value ({@link LogApplier}). The progress and observation tables are {@link ReverseProgress}'s.
 */
public final class ReverseReplicator implements AutoCloseable {
    /** How often the log is copied. */
    public static final Duration PERIOD = Duration.ofMillis(200);
    private static final Logger LOG = LoggerFactory.getLogger(ReverseReplicator.class);

    private final MigrationSpec spec;
    private final LogApplier applier;
    private final Instant windowEnd;
    private final Consumer<ReverseReplicator> onWindowEnd;
    private final LogHorizon horizons = new LogHorizon();
    private final Map<String, Long> copied = new ConcurrentHashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean stopping;
    private Thread thread;

    /** The observation of the cutover to a generation, as recorded on the source. */
    public record Observation(long generation, Instant windowEnd, boolean ended) {
    }

    /**
     * @param onWindowEnd called once, from the replicator's thread, when the window has ended (after a last round)
     */
    public ReverseReplicator(MigrationSpec spec, List<TableSchema> tables, Instant windowEnd,
                             Consumer<ReverseReplicator> onWindowEnd) {
        this.spec = spec;
        this.applier = new LogApplier(spec, tables);
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
        try (Connection source = connectSource()) {
            Map<String, Connection> targets = new LinkedHashMap<>();
            try {
                while (!stopping) {
                    boolean last = !Instant.now().isBefore(windowEnd);
                    for (TargetSpec t : spec.targets()) {
                        copyRound(targets, source, t);
                    }
                    if (last) {
                        onWindowEnd.accept(this);
                        return;
                    }
                    stop.await(PERIOD.toMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                for (Connection c : targets.values()) {
                    closeQuietly(c);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            LOG.error("reverse replication of {} stopped: {}", spec.name(), e.getMessage(), e);
        }
    }

    private void copyRound(Map<String, Connection> targets, Connection source, TargetSpec t) {
        try (LoggingContext.Scope ignored = LoggingContext.with(LoggingContext.TARGET, t.name())) {
            Connection target = targets.get(t.name());
            if (target == null || target.isClosed()) {
                target = ReverseLog.connect(t);
                targets.put(t.name(), target);
            }
            long horizon = horizons.advance(target, t.name());
            if (horizon > 0) {
                copy(target, source, t.name(), horizon);
            }
        } catch (SQLException e) {
            LOG.warn("reverse replication from {} to the source failed, retrying in {} ms: {}", t.name(),
                    PERIOD.toMillis(), e.getMessage());
            closeQuietly(targets.remove(t.name()));
            horizons.forget(t.name());
        }
    }

    /** One round for one target: copy, record progress, commit, then purge the target's log. */
    private void copy(Connection target, Connection source, String name, long horizon) throws SQLException {
        source.setAutoCommit(false);
        Copied round;
        try {
            round = copyInto(source, target, name, horizon);
            source.commit();
        } catch (SQLException | RuntimeException e) {
            source.rollback();
            throw e;
        } finally {
            source.setAutoCommit(true);
        }
        if (round.writes() > 0) {
            copied.merge(name, round.writes(), Long::sum);
            LOG.debug("reverse replication: {} writes from {} copied to the source (up to seq {})", round.writes(), name,
                    round.lastSeq());
        }
        LogApplier.purge(target, round.lastSeq());
    }

    /**
     * Copies a target's logged writes above its recorded progress and up to {@code horizon}, in seq order, into
     * the caller's open source transaction, and records the new progress in it. Under a rollback, with the
     * target tables locked, pass {@link Long#MAX_VALUE}: everything logged is complete.
     *
     * @return writes copied, and the progress recorded
     */
    public Copied copyInto(Connection source, Connection target, String name, long horizon) throws SQLException {
        try (Statement st = source.createStatement()) {
            st.execute("SET LOCAL shardshift.replica = on");
        }
        long from = ReverseProgress.lastSeq(source, spec.name(), name, true);
        long n = 0;
        while (true) {
            List<LogApplier.Entry> batch = LogApplier.read(target, from, horizon);
            if (batch.isEmpty()) {
                break;
            }
            applier.apply(source, batch);
            from = batch.get(batch.size() - 1).seq();
            n += batch.size();
            if (batch.size() < LogApplier.BATCH) {
                break;
            }
        }
        ReverseProgress.recordLastSeq(source, spec.name(), name, from);
        return new Copied(n, from);
    }

    /**
     * What one {@link #copyInto} did.
     *
     * @param writes  entries copied
     * @param lastSeq the target's progress recorded with them: every entry up to it is on the source
     */
    public record Copied(long writes, long lastSeq) {
    }

    /**
     * Writes logged on the targets and not yet copied to the source (a status figure; a target that cannot
     * be read counts as -1).
     */
    public long lag() {
        long total = 0;
        try (Connection source = connectSource()) {
            for (TargetSpec t : spec.targets()) {
                long last = ReverseProgress.lastSeq(source, spec.name(), t.name(), false);
                try (Connection c = ReverseLog.connect(t)) {
                    total += LogApplier.countAfter(c, last);
                }
            }
            return total;
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

    private Connection connectSource() throws SQLException {
        return DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
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
