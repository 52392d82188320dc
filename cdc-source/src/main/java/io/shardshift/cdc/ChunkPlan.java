package io.shardshift.cdc;

import java.util.List;

/**
 * A table's backfill chunks as planned at one moment, with the rows the backfill is expected to copy.
 *
 * @param chunks        the chunks in order; the last one is open-ended
 * @param estimatedRows the rows expected (the catalog's estimate, or a tenant filter's share of it), 0 if unknown
 */
public record ChunkPlan(List<SnapshotChunk> chunks, long estimatedRows) {
    public ChunkPlan {
        chunks = List.copyOf(chunks);
    }
}
