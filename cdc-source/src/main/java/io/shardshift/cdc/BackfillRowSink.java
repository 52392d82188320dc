package io.shardshift.cdc;

import io.shardshift.core.copy.CopyText;
import io.shardshift.core.event.TableId;

/**
 * Receives the rows a {@link SnapshotReader} reads. {@link #accept} is called from the reader's worker
 * threads, several at once (one per chunk being read), so implementations must be thread-safe; all
 * calls for one chunk come from one thread, between {@link #chunkStarted} and {@link #chunkFinished}.
 *
 * <p>A chunk may be delivered again after a failed attempt (its {@code chunkStarted} is called again),
 * which is harmless for snapshot rows: they only fill keys that hold nothing yet.
 */
@FunctionalInterface
public interface BackfillRowSink {

    /**
     * One row.
     *
     * @param table         the table
     * @param shardKeyValue the shard key column's value in PostgreSQL text form, {@code null} for NULL
     * @param line          the row in {@code COPY} text format, columns in {@code TableSchema} order,
     *                      ending with {@code '\n'}: it can be written as is to {@code COPY ... FROM STDIN}
     *                      of a table with the same columns (see {@link CopyText} to read fields)
     */
    void accept(TableId table, String shardKeyValue, byte[] line) throws Exception;

    /** Called on the chunk's thread before its first row (and again if the chunk is retried). */
    default void chunkStarted(SnapshotChunk chunk) throws Exception {
    }

    /** Called on the chunk's thread after its last row; a sink that buffers per chunk flushes here. */
    default void chunkFinished(SnapshotChunk chunk, long rows) throws Exception {
    }
}
