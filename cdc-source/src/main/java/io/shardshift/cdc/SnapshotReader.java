package io.shardshift.cdc;

import io.shardshift.cdc.internal.ChunkPlanner;
import io.shardshift.cdc.internal.PgConnections;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.sql.SqlIdentifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 *
 * <p>Reader sessions run with {@link io.shardshift.core.event.KeyText#SESSION_SETTINGS}, so every value,
 * the shard key's included, is in canonical key text whatever the server's or the JVM's defaults.
 *
 * <p>This class plans the chunks and runs the readers; {@link ChunkReadJob} reads the chunks.
 */
public final class SnapshotReader {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);

    private final MigrationSpec spec;
    private final int parallelism;
    private final int chunkRows;
    private final Map<TableId, TableProgress> progress = new ConcurrentHashMap<>();
    private volatile BackfillPacer pacer = BackfillPacer.NONE;

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

    /**
     * Paces the reads from now on (e.g. a rate guard's token bucket); {@link BackfillPacer#NONE} by default.
     *
     * @return this reader
     */
    public SnapshotReader pacedBy(BackfillPacer pacer) {
        this.pacer = java.util.Objects.requireNonNull(pacer, "pacer");
        return this;
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
     * Plans a table's chunks for readers elsewhere (e.g. other processes sharing the backfill), with the
     * rows the filter lets through estimated as {@link #read(TableSchema, String, ShardKeyFilter, BackfillRowSink)}
     * does.
     *
     * @param filter the rows to read (a tenant-scoped migration's), or {@code null} for every row
     */
    public ChunkPlan planChunks(TableSchema table, ShardKeyFilter filter) throws SQLException {
        TableProgress p = new TableProgress(table.id());
        List<SnapshotChunk> chunks;
        try (Connection c = open("plan")) {
            chunks = plan(c, table, filter, p);
        }
        return new ChunkPlan(chunks, p.estimatedRows());
    }

    /**
     * Reads one planned chunk of a table into the sink, on the calling thread (its own source connection,
     * retried as {@link #read} retries a chunk); returns the rows read.
     *
     * @param filter the rows to read (a tenant-scoped migration's), or {@code null} for every row
     * @throws SnapshotException naming the table and chunk when it cannot be read or the sink fails
     */
    public long readChunk(TableSchema table, String shardKeyColumn, ShardKeyFilter filter, SnapshotChunk chunk,
                          BackfillRowSink sink) {
        int keyIndex = checkColumns(table, shardKeyColumn, filter);
        TableProgress p = progress.computeIfAbsent(table.id(), TableProgress::new);
        ChunkReadJob job = new ChunkReadJob(spec, () -> open("backfill"), table, select(table, filter), keyIndex, sink, p,
                new ConcurrentLinkedQueue<>(List.of(chunk)), pacer);
        job.work();
        if (job.failure() != null) {
            throw job.failure();
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new SnapshotException("backfill of " + chunk + " interrupted", new InterruptedException());
        }
        return job.rows();
    }

    private static int checkColumns(TableSchema table, String shardKeyColumn, ShardKeyFilter filter) {
        int keyIndex = table.indexOf(shardKeyColumn);
        if (keyIndex < 0) {
            throw new IllegalArgumentException("table " + table.id() + " has no column '" + shardKeyColumn + "'");
        }
        if (filter != null && table.indexOf(filter.column()) < 0) {
            throw new IllegalArgumentException("table " + table.id() + " has no column '" + filter.column()
                    + "' to filter the backfill by");
        }
        return keyIndex;
    }

    private static String select(TableSchema table, ShardKeyFilter filter) {
        return "SELECT " + table.columns().stream().map(ColumnDef::name).map(SqlIdentifiers::quote)
                .collect(Collectors.joining(", ")) + " FROM " + table.id().quoted() + " WHERE "
                + (filter == null ? "" : filter.toSql(null) + " AND ");
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
        int keyIndex = checkColumns(table, shardKeyColumn, filter);
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
        ChunkReadJob job = new ChunkReadJob(spec, () -> open("backfill"), table, select(table, filter), keyIndex, sink, p,
                new ConcurrentLinkedQueue<>(chunks), pacer);
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
            job.fail(new SnapshotException("backfill of " + table.id() + " interrupted", e));
        } catch (ExecutionException e) {
            job.fail(new SnapshotException("backfill of " + table.id() + " failed: "
                    + e.getCause().getMessage(), e.getCause()));
        } finally {
            pool.shutdownNow();
        }
        if (job.failure() != null) {
            throw job.failure();
        }
        p.finish();
        BackfillResult result = new BackfillResult(table.id(), job.rows(), chunks.size(), p.firstSnapshotLsn(),
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
        return plan(c, table, filter, progress.get(table.id()));
    }

    private List<SnapshotChunk> plan(Connection c, TableSchema table, ShardKeyFilter filter, TableProgress p)
            throws SQLException {
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
                if (p != null) {
                    long estimate = Math.max(0L, (long) rs.getDouble(2));
                    p.planned(chunks.size(), filter == null ? estimate : FilteredRowEstimate.of(c, table.id(), filter, estimate));
                }
                return chunks;
            }
        }
    }

    private Connection open(String purpose) throws SQLException {
        Connection c = PgConnections.openCanonical(spec.source().jdbcUrl(), spec.source().user(), spec.source().password(),
                "shardshift-" + spec.name() + "-" + purpose);
        c.setAutoCommit(true);
        return c;
    }
}
