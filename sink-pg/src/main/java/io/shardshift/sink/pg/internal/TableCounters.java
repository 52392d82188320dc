package io.shardshift.sink.pg.internal;

import io.shardshift.sink.pg.TableStats;

import java.util.concurrent.atomic.LongAdder;

/** Thread-safe counters of one table, read as {@link TableStats}. */
public final class TableCounters {
    private final LongAdder events = new LongAdder();
    private final LongAdder upserted = new LongAdder();
    private final LongAdder snapshotInserted = new LongAdder();
    private final LongAdder deleted = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    /** Counts the events of a committed batch and the rows each kind of write changed. */
    public void record(long eventCount, long upserts, long snapshotInserts, long deletes, long rejects) {
        events.add(eventCount);
        upserted.add(upserts);
        snapshotInserted.add(snapshotInserts);
        deleted.add(deletes);
        rejected.add(rejects);
    }

    public TableStats snapshot() {
        long e = events.sum();
        long u = upserted.sum();
        long s = snapshotInserted.sum();
        long d = deleted.sum();
        long r = rejected.sum();
        return new TableStats(e, u, s, d, Math.max(0, e - u - s - d - r), r);
    }
}
