package io.shardshift.cdc;

import io.shardshift.core.event.TableId;

import java.time.Duration;

/**
 * What one table's backfill read.
 *
 * @param table       the table
 * @param rows        rows handed to the sink (chunks retried after a failure count once per attempt)
 * @param chunks      chunks read
 * @param snapshotLsn {@code pg_current_wal_lsn()} when the first chunk started (informational)
 * @param took        the wall time of the read
 */
public record BackfillResult(TableId table, long rows, int chunks, long snapshotLsn, Duration took) {

    /** Rows per second of this read. */
    public double rowsPerSecond() {
        double seconds = took.toNanos() / 1e9;
        return seconds <= 0 ? rows : rows / seconds;
    }
}
