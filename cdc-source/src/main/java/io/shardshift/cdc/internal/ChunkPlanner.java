package io.shardshift.cdc.internal;

import io.shardshift.cdc.SnapshotChunk;
import io.shardshift.core.event.TableId;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a table into chunks of physical blocks sized to hold about {@code chunkRows} rows each. The
 * last chunk is open-ended so rows in blocks added after planning are read too.
 */
public final class ChunkPlanner {
    /** Rows per 8 kB block assumed when the table was never analyzed (rows of about 130 bytes). */
    static final double DEFAULT_ROWS_PER_BLOCK = 60.0;

    private ChunkPlanner() {
    }

    /**
     * Plans the chunks.
     *
     * @param blocks    the table's current size in blocks
     * @param reltuples the catalog's row estimate ({@code pg_class.reltuples}; negative or 0 if unknown)
     * @param relpages  the catalog's page count at that estimate ({@code pg_class.relpages})
     * @param chunkRows the wanted rows per chunk
     */
    public static List<SnapshotChunk> plan(TableId table, long blocks, double reltuples, long relpages, int chunkRows) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be at least 1, was " + chunkRows);
        }
        double rowsPerBlock = reltuples > 0 && relpages > 0 ? reltuples / relpages : DEFAULT_ROWS_PER_BLOCK;
        long blocksPerChunk = Math.max(1L, (long) Math.ceil(chunkRows / Math.max(rowsPerBlock, 1e-9)));
        List<SnapshotChunk> chunks = new ArrayList<>();
        long from = 0;
        int index = 0;
        while (from + blocksPerChunk < blocks) {
            chunks.add(new SnapshotChunk(table, index++, from, from + blocksPerChunk));
            from += blocksPerChunk;
        }
        chunks.add(new SnapshotChunk(table, index, from, -1));
        return chunks;
    }
}
