package io.shardshift.cdc;

import io.shardshift.core.event.TableId;

/**
 * One piece of a table's backfill: the rows stored in a range of physical blocks,
 * {@code [fromBlock, toBlock)}, or from {@code fromBlock} to the end when {@code toBlock} is -1 (the last
 * chunk, which also takes rows stored in blocks added since the plan was made).
 *
 * @param table     the table
 * @param index     the chunk's number, 0-based
 * @param fromBlock the first block
 * @param toBlock   the block after the last, or -1 for "to the end"
 */
public record SnapshotChunk(TableId table, int index, long fromBlock, long toBlock) {

    /** The chunk's row filter, e.g. {@code ctid >= '(0,0)'::tid AND ctid < '(128,0)'::tid}. */
    public String ctidFilter() {
        String from = "ctid >= '(" + fromBlock + ",0)'::tid";
        return toBlock < 0 ? from : from + " AND ctid < '(" + toBlock + ",0)'::tid";
    }

    /** Whether this chunk runs to the end of the table. */
    public boolean openEnded() {
        return toBlock < 0;
    }

    @Override
    public String toString() {
        return table + " chunk " + index + " blocks [" + fromBlock + ", " + (toBlock < 0 ? "end" : toBlock) + ")";
    }
}
