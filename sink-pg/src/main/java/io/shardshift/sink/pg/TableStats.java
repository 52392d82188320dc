package io.shardshift.sink.pg;

/**
 * What a sink did to one table since it was opened. Every event handed to the sink is counted exactly once:
 * {@code events = upserted + snapshotInserted + deleted + skipped + rejected}.
 *
 * @param events           events received
 * @param upserted         streamed events that inserted or updated a row
 * @param snapshotInserted snapshot rows inserted (the key held neither a row nor a tombstone)
 * @param deleted          delete events that removed a row (every delete also leaves a tombstone)
 * @param skipped          events that changed no row: stale, replayed, superseded in their batch, blocked by
 *                         a tombstone, or deletes of a row that was not there
 * @param rejected         events the target rejected permanently
 */
public record TableStats(long events, long upserted, long snapshotInserted, long deleted, long skipped,
                         long rejected) {
}
