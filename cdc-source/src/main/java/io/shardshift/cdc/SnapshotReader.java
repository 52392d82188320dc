package io.shardshift.cdc;

import io.shardshift.core.copy.CopyText;
import io.shardshift.cdc.internal.ChunkPlanner;
import io.shardshift.cdc.internal.PgConnections;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.sql.SqlIdentifiers;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The backfill reader: reads a table from the source in chunks of physical blocks
 * ({@code ctid} ranges, which PostgreSQL 14+ reads with a TID range scan), several chunks at once on
 * separate connections, each with {@code COPY (SELECT <columns> ... WHERE <ctid range>) TO STDOUT}, and
 * hands every row with its shard key value to a {@link BackfillRowSink}. A tenant-scoped migration reads
 * only its tenants' rows: a {@link ShardKeyFilter} adds {@code AND <shard key>::text IN (...)} to each chunk.
 *
 * <p>Each chunk is one statement, so one snapshot; chunks are not one snapshot together, which is safe
 * as long as the migration's replication slot existed before the read started: a row changed between
 * chunks is also in the change stream, and snapshot rows never overwrite streamed ones.
 */
public final class SnapshotReader {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);
    private static final int MAX_ATTEMPTS = 3;
    private static final int PROGRESS_STEP = 1024;

    private final MigrationSpec spec;
    private final int parallelism;
    private final int chunkRows;
    private final Map<TableId, TableProgress> progress = new ConcurrentHashMap<>();

    /** A reader with the spec's {@code apply.backfillParallelism} and {@code apply.chunkRows}. */
    public SnapshotReader(MigrationSpec spec) {
        this(spec, spec.applyOrDefaults().backfillParallelismOrDefault(), spec.applyOrDefaults().chunkRowsOrDefault());
    }

    /**
     * @param parallelism chunks read at once (one source connection each)
     * @param chunkRows   the wanted rows per chunk
     */
    public SnapshotReader(MigrationSpec spec, int parallelism, int chunkRows) {
        if (parallelism < 1 || chunkRows < 1) {
            throw new IllegalArgumentException("parallelism and chunkRows must be at least 1, were "
                    + parallelism + " and " + chunkRows);
        }
        this.spec = spec;
        this.parallelism = parallelism;
        this.chunkRows = chunkRows;
    }

    /** Plans a table's chunks from its current size and the catalog's row estimate. */
    public List<SnapshotChunk> plan(TableSchema table) throws SQLException {
        return plan(table, null);
    }

    private List<SnapshotChunk> plan(TableSchema table, ShardKeyFilter filter) throws SQLException {
        try (Connection c = open("plan")) {
            return plan(c, table, filter);
        }
    }

    /**
     * Reads every row of a table into the sink; returns when all chunks are read.
     *
     * @param shardKeyColumn the column whose value is passed to the sink with each row
     * @throws SnapshotException naming the table and chunk when a chunk cannot be read (after retries)
     *                           or the sink fails
     * @see #read(TableSchema, String, ShardKeyFilter, BackfillRowSink)
     */
    public BackfillResult read(TableSchema table, String shardKeyColumn, BackfillRowSink sink) {
        return read(table, shardKeyColumn, null, sink);
    }

    /**
     * Reads the rows of a table that pass a filter into the sink (every row when {@code filter} is
     * {@code null}); returns when all chunks are read. The filter is applied by the source inside each
     * chunk's scan, so other rows never leave it. Progress still counts chunks of the whole table (each
     * chunk scans its blocks whole), and {@link TableProgress#estimatedRows()} is the filter's share of the
     * table estimated from the column's statistics ({@code pg_stats}; the whole table without statistics).
     *
     * @param shardKeyColumn the column whose value is passed to the sink with each row
     * @param filter         the rows to read (a tenant-scoped migration's), or {@code null} for every row
     * @throws IllegalArgumentException when the table lacks the shard key column or the filter's column
     * @throws SnapshotException        naming the table and chunk when a chunk cannot be read (after retries)
     *                                  or the sink fails
     */
    public BackfillResult read(TableSchema table, String shardKeyColumn, ShardKeyFilter filter, BackfillRowSink sink) {
        int keyIndex = table.indexOf(shardKeyColumn);
        if (keyIndex < 0) {
            throw new IllegalArgumentException("table " + table.id() + " has no column '" + shardKeyColumn + "'");
        }
        if (filter != null && table.indexOf(filter.column()) < 0) {
            throw new IllegalArgumentException("table " + table.id() + " has no column '" + filter.column()
                    + "' to filter the backfill by");
        }
        long startNanos = System.nanoTime();
        TableProgress p = new TableProgress(table.id());
        progress.put(table.id(), p);
        List<SnapshotChunk> chunks;
        try {
            chunks = plan(table, filter);
        } catch (SQLException e) {
            throw new SnapshotException("cannot plan the backfill of " + table.id() + ": "
                    + PgConnections.describe(e, spec.source().password()), e);
        }
        String select = "SELECT " + table.columns().stream().map(ColumnDef::name).map(SqlIdentifiers::quote)
                .collect(Collectors.joining(", ")) + " FROM " + table.id().quoted() + " WHERE "
                + (filter == null ? "" : filter.toSql(null) + " AND ");
        ChunkJob job = new ChunkJob(table, select, keyIndex, sink, p, new ConcurrentLinkedQueue<>(chunks));
        int workers = Math.min(parallelism, chunks.size());
        LOG.info("backfill of {}: {} chunks of about {} rows, {} readers{}", table.id(), chunks.size(), chunkRows, workers,
                filter == null ? "" : ", only rows with " + filter.column() + " in " + filter.valueList());
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "shardshift-backfill-" + table.id());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                futures.add(pool.submit(job::work));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.failure.compareAndSet(null, new SnapshotException("backfill of " + table.id() + " interrupted", e));
        } catch (ExecutionException e) {
            job.failure.compareAndSet(null, new SnapshotException("backfill of " + table.id() + " failed: "
                    + e.getCause().getMessage(), e.getCause()));
        } finally {
            pool.shutdownNow();
        }
        if (job.failure.get() != null) {
            throw job.failure.get();
        }
        p.finish();
        BackfillResult result = new BackfillResult(table.id(), job.rows.get(), chunks.size(), p.firstSnapshotLsn(),
                Duration.ofNanos(System.nanoTime() - startNanos));
        LOG.info("backfill of {} read {} rows in {} chunks ({} rows/s)", table.id(), result.rows(), result.chunks(),
                Math.round(result.rowsPerSecond()));
        return result;
    }

    /** The progress of a table's backfill, or {@code null} when it has not started. */
    public TableProgress progress(TableId table) {
        return progress.get(table);
    }

    /** The progress of every table read or being read. */
    public Map<TableId, TableProgress> progress() {
        return Map.copyOf(progress);
    }

    private List<SnapshotChunk> plan(Connection c, TableSchema table, ShardKeyFilter filter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT pg_relation_size(c.oid) / current_setting('block_size')::bigint, c.reltuples, c.relpages
                FROM pg_class c WHERE c.oid = to_regclass(?)""")) {
            ps.setString(1, table.id().quoted());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("table " + table.id() + " does not exist in the source");
                }
                List<SnapshotChunk> chunks = ChunkPlanner.plan(table.id(), rs.getLong(1), rs.getDouble(2),
                        rs.getLong(3), chunkRows);
                TableProgress p = progress.get(table.id());
                if (p != null) {
                    long estimate = Math.max(0L, (long) rs.getDouble(2));
                    p.planned(chunks.size(), filter == null ? estimate : FilteredRowEstimate.of(c, table.id(), filter, estimate));
                }
                return chunks;
            }
        }
    }

    private Connection open(String purpose) throws SQLException {
        Connection c = PgConnections.open(spec.source().jdbcUrl(), spec.source().user(), spec.source().password(),
                "shardshift-" + spec.name() + "-" + purpose);
        c.setAutoCommit(true);
        return c;
    }

    /** The shared state of one table's read, worked on by the reader threads. */
    private final class ChunkJob {
        final TableSchema table;
        final String select;
        final int keyIndex;
        final BackfillRowSink sink;
        final TableProgress progress;
        final ConcurrentLinkedQueue<SnapshotChunk> queue;
        final AtomicReference<SnapshotException> failure = new AtomicReference<>();
        final AtomicLong rows = new AtomicLong();

        ChunkJob(TableSchema table, String select, int keyIndex, BackfillRowSink sink, TableProgress progress,
                 ConcurrentLinkedQueue<SnapshotChunk> queue) {
            this.table = table;
            this.select = select;
            this.keyIndex = keyIndex;
            this.sink = sink;
            this.progress = progress;
            this.queue = queue;
        }

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
                        c = open("backfill");
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
            CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI()
                    .copyOut("COPY (" + select + chunk.ctidFilter() + ") TO STDOUT");
            long n = 0;
            try {
                byte[] line;
                while ((line = copy.readFromCopy()) != null) {
                    String key = CopyText.field(line, keyIndex);
                    byte[] row = line;
                    call(() -> sink.accept(table.id(), key, row));
                    if (++n % PROGRESS_STEP == 0) {
                        progress.rows(PROGRESS_STEP);
                    }
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
