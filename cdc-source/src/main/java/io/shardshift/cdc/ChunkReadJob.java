package io.shardshift.cdc;

import io.shardshift.cdc.internal.PgConnections;
import io.shardshift.core.copy.CopyText;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The shared state of one table's backfill, worked on by {@link SnapshotReader}'s reader threads: each
 * {@link #work()} takes chunks from the queue until it is empty or a chunk failed, reads each with
 * {@code COPY (<select> <ctid range>) TO STDOUT} on a connection of its own, and hands the rows to the sink.
 * A source error is retried on a new connection ({@value #MAX_ATTEMPTS} attempts); a sink error is not.
 */
final class ChunkReadJob {
    /** Logs as the reader it works for. */
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);
    private static final int MAX_ATTEMPTS = 3;
    private static final int PROGRESS_STEP = 1024;

    /** Opens a source connection for reading chunks. */
    @FunctionalInterface
    interface SourceConnections {
        Connection open() throws SQLException;
    }

    private final MigrationSpec spec;
    private final SourceConnections connections;
    private final TableSchema table;
    private final String select;
    private final int keyIndex;
    private final BackfillRowSink sink;
    private final TableProgress progress;
    private final Queue<SnapshotChunk> queue;
    private final BackfillPacer pacer;
    private final AtomicReference<SnapshotException> failure = new AtomicReference<>();
    private final AtomicLong rows = new AtomicLong();

    /**
     * @param select   the chunk query up to its {@code WHERE}, to which a chunk appends its ctid range
     * @param keyIndex the shard key column's index in the selected columns
     * @param queue    the chunks to read, shared by the workers
     * @param pacer    asked before each {@value #PROGRESS_STEP} rows are handed to the sink; it only delays
     */
    ChunkReadJob(MigrationSpec spec, SourceConnections connections, TableSchema table, String select, int keyIndex,
                 BackfillRowSink sink, TableProgress progress, Queue<SnapshotChunk> queue, BackfillPacer pacer) {
        this.spec = spec;
        this.connections = connections;
        this.table = table;
        this.select = select;
        this.keyIndex = keyIndex;
        this.sink = sink;
        this.progress = progress;
        this.queue = queue;
        this.pacer = pacer;
    }

    /** Rows read so far. */
    long rows() {
        return rows.get();
    }

    /** The first failure, or {@code null}. */
    SnapshotException failure() {
        return failure.get();
    }

    /** Records a failure unless one is recorded already; the workers stop after their current chunk. */
    void fail(SnapshotException e) {
        failure.compareAndSet(null, e);
    }

    /** Reads chunks until none is left, a chunk failed, or the thread is interrupted. */
    void work() {
        Connection c = null;
        try (LoggingContext.Scope ignored = LoggingContext.forMigration(spec.name())
                .with(LoggingContext.PHASE, "backfill").with(LoggingContext.TABLE, table.id().toString())) {
            SnapshotChunk chunk;
            while (failure.get() == null && !Thread.currentThread().isInterrupted() && (chunk = queue.poll()) != null) {
                try {
                    c = readWithRetries(c, chunk);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, new SnapshotException("reading " + chunk + " failed: "
                            + e.getMessage(), e));
                }
            }
        } finally {
            closeQuietly(c);
        }
    }

    private Connection readWithRetries(Connection c, SnapshotChunk chunk) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (c == null) {
                    c = connections.open();
                }
                long n = readChunk(c, chunk);
                rows.addAndGet(n);
                progress.chunkDone();
                return c;
            } catch (SinkFailure e) {
                failure.compareAndSet(null, new SnapshotException("the backfill sink failed on " + chunk + ": "
                        + e.getCause().getMessage(), e.getCause()));
                return c;
            } catch (SQLException e) {
                closeQuietly(c);
                c = null;
                String reason = PgConnections.describe(e, spec.source().password());
                if (attempt >= MAX_ATTEMPTS) {
                    failure.compareAndSet(null, new SnapshotException("cannot read " + chunk + " after "
                            + attempt + " attempts: " + reason, e));
                    return null;
                }
                LOG.warn("reading {} failed (attempt {} of {}), retrying: {}", chunk, attempt, MAX_ATTEMPTS, reason);
            }
        }
    }

    private long readChunk(Connection c, SnapshotChunk chunk) throws SQLException, SinkFailure {
        progress.chunkStarted(currentLsn(c));
        call(() -> sink.chunkStarted(chunk));
        pace(PROGRESS_STEP);
        long started = System.nanoTime();
        CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI()
                .copyOut("COPY (" + select + chunk.ctidFilter() + ") TO STDOUT");
        long n = 0;
        long readNanos = System.nanoTime() - started;
        try {
            byte[] line;
            while (true) {
                long before = System.nanoTime();
                line = copy.readFromCopy();
                readNanos += System.nanoTime() - before;
                if (line == null) {
                    break;
                }
                String key = CopyText.field(line, keyIndex);
                byte[] row = line;
                call(() -> sink.accept(table.id(), key, row));
                if (++n % PROGRESS_STEP == 0) {
                    progress.rows(PROGRESS_STEP);
                    pacer.sourceRead(readNanos, PROGRESS_STEP);
                    readNanos = 0;
                    pace(PROGRESS_STEP);
                }
            }
            if (n % PROGRESS_STEP != 0) {
                pacer.sourceRead(readNanos, (int) (n % PROGRESS_STEP));
            }
        } finally {
            progress.rows(n % PROGRESS_STEP);
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        long rowsRead = n;
        call(() -> sink.chunkFinished(chunk, rowsRead));
        LOG.debug("read {}: {} rows", chunk, n);
        return n;
    }

    /** Waits for the pacer; an interrupt fails the chunk (never skips it): the next run reads it again. */
    private void pace(int rowCount) {
        try {
            pacer.acquire(rowCount);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnapshotException("backfill of " + table.id() + " interrupted while paced", e);
        }
    }

    private static long currentLsn(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    private static void call(SinkCall call) throws SinkFailure {
        try {
            call.run();
        } catch (Exception e) {
            throw new SinkFailure(e);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a backfill connection failed: {}", e.getMessage());
            }
        }
    }

    @FunctionalInterface
    private interface SinkCall {
        void run() throws Exception;
    }

    /** A sink failure, kept apart from source errors so it is not retried. */
    private static final class SinkFailure extends Exception {
        SinkFailure(Exception cause) {
            super(cause);
        }
    }
}
