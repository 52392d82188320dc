package io.shardshift.cdc;

import io.shardshift.core.event.TableId;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live progress of one table's backfill, for a progress bar: chunks done out of planned, rows read, and
 * the first chunk's snapshot position. Safe to read from any thread while the backfill runs.
 */
public final class TableProgress {
    private final TableId table;
    private final AtomicInteger totalChunks = new AtomicInteger();
    private final AtomicInteger chunksDone = new AtomicInteger();
    private final AtomicLong rowsRead = new AtomicLong();
    private final AtomicLong estimatedRows = new AtomicLong();
    private final AtomicLong firstSnapshotLsn = new AtomicLong();
    private volatile boolean finished;

    TableProgress(TableId table) {
        this.table = table;
    }

    /**
     * A progress made elsewhere, e.g. summed from the completion records of a backfill several processes
     * share; it does not change afterwards.
     */
    public static TableProgress of(TableId table, int chunksPlanned, int chunksDone, long rowsRead, long estimatedRows,
                                   boolean finished) {
        TableProgress p = new TableProgress(table);
        p.planned(chunksPlanned, estimatedRows);
        p.chunksDone.set(chunksDone);
        p.rowsRead.set(rowsRead);
        p.finished = finished;
        return p;
    }

    public TableId table() {
        return table;
    }

    /** Chunks planned; 0 until the plan is made. */
    public int totalChunks() {
        return totalChunks.get();
    }

    /** Chunks read completely. */
    public int chunksDone() {
        return chunksDone.get();
    }

    /** Rows handed to the sink so far (a retried chunk counts again). */
    public long rowsRead() {
        return rowsRead.get();
    }

    /** The catalog's estimate of the table's rows ({@code reltuples}), 0 when unknown. */
    public long estimatedRows() {
        return estimatedRows.get();
    }

    /** {@code pg_current_wal_lsn()} when the first chunk started (informational), 0 before. */
    public long firstSnapshotLsn() {
        return firstSnapshotLsn.get();
    }

    /** Whether every chunk has been read. */
    public boolean finished() {
        return finished;
    }

    /** Chunks done as a fraction of chunks planned, 0..1. */
    public double fraction() {
        int total = totalChunks.get();
        return total == 0 ? 0.0 : (double) chunksDone.get() / total;
    }

    void planned(int chunks, long estimate) {
        totalChunks.set(chunks);
        estimatedRows.set(estimate);
    }

    void chunkStarted(long lsn) {
        firstSnapshotLsn.compareAndSet(0L, lsn);
    }

    void rows(long n) {
        rowsRead.addAndGet(n);
    }

    void chunkDone() {
        chunksDone.incrementAndGet();
    }

    void finish() {
        finished = true;
    }

    @Override
    public String toString() {
        return table + ": " + chunksDone.get() + "/" + totalChunks.get() + " chunks, " + rowsRead.get() + " rows";
    }
}
