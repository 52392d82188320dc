package io.shardshift.core.event;

import java.util.Objects;

/**
 * Where in the source's history a change was made: the WAL position (LSN) of the change record, the
 * transaction id, the commit time and whether the row came from a snapshot (backfill) read.
 *
 * <p>Ordering (used by every sink's fence): any streamed change is newer than any snapshot read, and
 * streamed changes are ordered by LSN. For one primary key, PostgreSQL's row locks make the LSN of the
 * change records of the same key grow in commit order, so "newer LSN wins" never reorders one key's
 * history. Snapshot rows are deliberately not compared by the snapshot's LSN: a transaction that wrote a
 * row before the snapshot point but committed after it has a change LSN below that point, and must still
 * win over the snapshot copy. Snapshot rows therefore only fill keys that hold nothing yet.
 *
 * <pre>{@code {"lsn":24023928,"txId":555,"commitMillis":1700000000000,"snapshot":false}}</pre>
 *
 * @param lsn          the LSN of the change record (for a snapshot read: the snapshot's consistent point)
 * @param txId         the source transaction id, or 0 for a snapshot read
 * @param commitMillis the commit time in epoch milliseconds (for a snapshot read: when it was read)
 * @param snapshot     whether the row came from a snapshot read rather than the change stream
 */
public record SourcePosition(long lsn, long txId, long commitMillis, boolean snapshot)
        implements Comparable<SourcePosition> {

    /** The value stored as fence for rows written by a snapshot read: lower than any streamed change. */
    public static final long SNAPSHOT_FENCE = 0L;

    public SourcePosition {
        if (lsn < 0) {
            throw new IllegalArgumentException("lsn must not be negative: " + lsn);
        }
    }

    /** A position of the change stream. */
    public static SourcePosition streamed(long lsn, long txId, long commitMillis) {
        return new SourcePosition(lsn, txId, commitMillis, false);
    }

    /** A position of a snapshot (backfill) read taken at the given consistent point. */
    public static SourcePosition snapshotAt(long consistentPointLsn, long readMillis) {
        return new SourcePosition(consistentPointLsn, 0L, readMillis, true);
    }

    /**
     * The number a sink stores beside the row and compares against: the LSN for a streamed change,
     * {@link #SNAPSHOT_FENCE} for a snapshot read.
     */
    public long fence() {
        return snapshot ? SNAPSHOT_FENCE : lsn;
    }

    /** Whether a change at this position may replace state written at {@code storedFence}. */
    public boolean supersedes(long storedFence) {
        return !snapshot && lsn > storedFence;
    }

    @Override
    public int compareTo(SourcePosition other) {
        int byFence = Long.compare(fence(), other.fence());
        return byFence != 0 ? byFence : Long.compare(lsn, other.lsn);
    }

    /** The LSN in PostgreSQL's {@code XXXXXXXX/XXXXXXXX} notation. */
    public String lsnText() {
        return Lsn.format(lsn);
    }

    @Override
    public String toString() {
        return (snapshot ? "snapshot@" : "lsn=") + Lsn.format(lsn) + (snapshot ? "" : ",tx=" + txId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourcePosition p && p.lsn == lsn && p.txId == txId
                && p.commitMillis == commitMillis && p.snapshot == snapshot;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lsn, txId, commitMillis, snapshot);
    }
}
