package io.shardshift.sink.pg.internal;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.Operation;

/**
 * The kinds of write a target does; each is one set-based statement per table and batch, run in this order
 * (a truncate first, so the other writes of its batch meet its fence).
 */
public enum WriteKind {
    /** A truncate: removes every row older than its LSN and leaves the table's truncate fence. */
    TRUNCATE,
    /** A streamed insert or update, fenced by its LSN. */
    UPSERT,
    /** A snapshot (backfill) row: inserted only where the key holds neither a row nor a tombstone. */
    SNAPSHOT_INSERT,
    /** A delete: removes an older row and leaves a tombstone. */
    DELETE;

    /** The kind of write an event needs; snapshot rows are those read by a snapshot or marked as such. */
    public static WriteKind of(ChangeEvent e) {
        if (e.op() == Operation.DELETE) {
            return DELETE;
        }
        if (e.op() == Operation.TRUNCATE) {
            return TRUNCATE;
        }
        if (e.op() == Operation.READ || e.position().snapshot()) {
            return SNAPSHOT_INSERT;
        }
        return UPSERT;
    }

    /** Whether the event comes from a snapshot read, so it ranks below every streamed change. */
    public static boolean isSnapshot(ChangeEvent e) {
        return e.op() == Operation.READ || e.position().snapshot();
    }
}
