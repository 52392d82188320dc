package io.shardshift.plan;

/**
 * An amount of load: rows, bytes and a write rate. Used for a bucket, a target or a move.
 *
 * @param rows         rows
 * @param bytes        bytes
 * @param writesPerSec rows written per second
 */
public record Load(long rows, long bytes, double writesPerSec) {
    /** No load. */
    public static final Load ZERO = new Load(0, 0, 0);

    /** The sum of both loads. */
    public Load plus(Load other) {
        return new Load(rows + other.rows, bytes + other.bytes, writesPerSec + other.writesPerSec);
    }

    /** This load without {@code other}; a write rate that rounds below zero becomes zero. */
    public Load minus(Load other) {
        return new Load(rows - other.rows, bytes - other.bytes, Math.max(0, writesPerSec - other.writesPerSec));
    }
}
