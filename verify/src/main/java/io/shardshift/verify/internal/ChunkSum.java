package io.shardshift.verify.internal;

import java.math.BigInteger;

/**
 * The checksum of a set of rows: how many there are and the sum of {@code hashtextextended} of each row's
 * text form (order-free, computed inside the database).
 *
 * @param rows the number of rows
 * @param sum  the sum of the 64-bit row hashes
 */
public record ChunkSum(long rows, BigInteger sum) {
    /** No rows. */
    public static final ChunkSum EMPTY = new ChunkSum(0, BigInteger.ZERO);

    /** This checksum plus another (the union of two disjoint row sets). */
    public ChunkSum plus(ChunkSum other) {
        return new ChunkSum(rows + other.rows, sum.add(other.sum));
    }
}
