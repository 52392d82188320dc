package io.shardshift.cutover.internal;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.TargetSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The observation window after a cutover: runs the {@link ReverseReplicator} until the window ends, then closes
 * it, holding the controller's switching lock (so it never races a rollback): drops the target logging triggers
 * (the logs are kept), copies every entry still logged to the source, checks that none is left, deletes only the
 * copied entries, records the end on the source and tells the listener. When any of that fails (the source is
 * down, say) the window is not closed: nothing logged is deleted, {@link #problem()} says why, the listener is
 * told ({@link Listener#refused}, once per reason) and closing is tried again with a backoff. Rollbacks are
 * refused once the window's time is over.
 */
public final class ObservationWindow implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ObservationWindow.class);

    /** Told what becomes of the window of a generation (from the replicator's thread, under the switching lock). */
    public interface Listener {
        /** The window is closed: every logged write is on the source. */
        void ended(long generation, Instant windowEnd, Map<String, Long> copied);

        /** The window's time is over but it cannot close, for {@code reason}; closing is tried again. */
        void refused(long generation, Instant windowEnd, String reason);
    }

    private final MigrationSpec spec;
    private final List<TableSchema> tables;
    private final ReentrantLock switching;
    private final Listener listener;
    private volatile ReverseReplicator replicator;
    private volatile Instant end;
    private volatile boolean ended;
    private volatile boolean cutOverBefore;
    private volatile long generation;
    private volatile String refusedFor;

    public ObservationWindow(MigrationSpec spec, List<TableSchema> tables, ReentrantLock switching, Listener listener) {
        this.spec = spec;
        this.tables = List.copyOf(tables);
        this.switching = switching;
        this.listener = listener;
    }

    /** Creates the source tables and resumes the window recorded there if it belongs to the live generation. */
    public void resume(long liveGeneration) {
        Optional<ReverseReplicator.Observation> recorded;
        try (Connection src = connectSource()) {
            ReverseReplicator.prepareSource(src);
            recorded = ReverseReplicator.observation(src, spec.name());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the reverse replication tables on the source: " + e.getMessage(), e);
        }
        cutOverBefore = recorded.isPresent();
        recorded.filter(o -> o.generation() == liveGeneration && liveGeneration == spec.routing().generation()).ifPresent(o -> {
            generation = o.generation();
            end = o.windowEnd();
            ended = o.ended();
            if (!o.ended()) {
                LOG.info("resuming the observation window of generation {} (ends {})", o.generation(), o.windowEnd());
                startReplicator();
            }
        });
    }

    /** Opens the window of a generation that just went live (its start is recorded by the cutover). */
    public void open(long liveGeneration, Instant until) {
        generation = liveGeneration;
        end = until;
        ended = false;
        startReplicator();
    }

    /** Why a rollback must be refused now, if it must. */
    public Optional<String> refusal() {
        Instant e = end;
        if (ended || (e != null && !Instant.now().isBefore(e))) {
            return Optional.of("the observation window of generation " + generation + " ended at " + e
                    + ": writes made since are no longer copied to the old layout, so a rollback would lose them");
        }
        return Optional.empty();
    }

    /** Stops copying (a rollback copies the remainder itself, under its freeze). */
    public void pause() {
        ReverseReplicator r = replicator;
        replicator = null;
        if (r != null) {
            r.close();
        }
    }

    /** Copies again after a rollback aborted, if the window is still open. */
    public void resumeAfterAbort() {
        Instant e = end;
        if (!ended && e != null && Instant.now().isBefore(e) && replicator == null) {
            startReplicator();
        }
    }

    /** A rollback completed: the window is over and there is no window any more. */
    public void closedByRollback() {
        pause();
        ended = true;
        end = null;
    }

    /** True when the source records a cutover of this migration made before this controller started. */
    public boolean cutOverBefore() {
        return cutOverBefore;
    }

    /** The window's end (or when it ended), null when none was opened. */
    public Instant end() {
        return end;
    }

    /** True while writes are copied back. */
    public boolean active() {
        return replicator != null;
    }

    /**
     * Why the window is held up, or null: reverse replication reconnecting, or a window whose time is over that
     * cannot close because logged writes are not all on the source.
     */
    public String problem() {
        ReverseReplicator r = replicator;
        String refused = refusedFor;
        String copying = r == null ? null : r.problem();
        if (refused != null) {
            return "the observation window of generation " + generation + " ended at " + end + " but is not closed: "
                    + refused + "; the logged writes are kept and closing is retried";
        }
        return copying == null ? null : "reverse replication is " + copying;
    }

    /** Writes logged on the targets and not yet copied (0 when not active, -1 when unreadable or reconnecting). */
    public long reverseLag() {
        ReverseReplicator r = replicator;
        if (r == null) {
            return 0;
        }
        return r.problem() != null ? -1 : r.lag();
    }

    private void startReplicator() {
        refusedFor = null;
        replicator = new ReverseReplicator(spec, tables, end, this::closeWindow).start();
    }

    /** Closes the window after its end, or refuses to (false) while any logged write is not on the source. */
    private boolean closeWindow(ReverseReplicator r) {
        try {
            while (!switching.tryLock(200, TimeUnit.MILLISECONDS)) {
                if (r.stopping()) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
        try {
            if (replicator != r) {
                return true;
            }
            try {
                for (TargetSpec t : spec.targets()) {
                    try {
                        ReverseLog.stopLogging(t, tables);
                    } catch (SQLException e) {
                        throw new SQLException("target " + t.name() + ": cannot drop the reverse log triggers: "
                                + e.getMessage(), e.getSQLState(), e);
                    }
                }
                r.copyRemaining();
                long left = r.uncopied();
                if (left > 0) {
                    throw new SQLException(left + " logged writes are still not on the source");
                }
                try (Connection src = connectSource()) {
                    ReverseReplicator.end(src, spec.name());
                }
            } catch (SQLException | RuntimeException e) {
                refuse(r, e.getMessage());
                return false;
            }
            LOG.info("observation window of generation {} ended at {}: rollback is no longer possible", generation, r.windowEnd());
            try {
                // the end is recorded (audit) before the window reports itself inactive, so whoever sees it
                // inactive also finds the record
                listener.ended(generation, r.windowEnd(), r.copied());
            } finally {
                replicator = null;
                ended = true;
                refusedFor = null;
            }
            return true;
        } finally {
            switching.unlock();
        }
    }

    private void refuse(ReverseReplicator r, String why) {
        String reason = ReverseReplicator.oneLine(why);
        boolean news = !reason.equals(refusedFor);
        refusedFor = reason;
        LOG.error("the observation window of generation {} ended at {} but cannot close: {}; no logged write is deleted,"
                + " closing is retried", generation, r.windowEnd(), reason);
        if (news) {
            try {
                listener.refused(generation, r.windowEnd(), reason);
            } catch (RuntimeException e) {
                LOG.error("cannot tell that the observation window cannot close: {}", e.getMessage());
            }
        }
    }

    private Connection connectSource() throws SQLException {
        return DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
    }

    @Override
    public void close() {
        pause();
    }
}
