package io.shardshift.engine.topology.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A thread-safe histogram of non-negative millisecond values with fixed log-linear buckets: exact below
 * 64 ms, then 32 buckets per power of two (about 3% relative error), up to about 2^40 ms. Recording is one
 * atomic increment; no allocation.
 */
public final class LatencyHistogram {
    private static final int LINEAR = 64;
    private static final int SUB_BUCKETS = 32;
    private static final int SUB_BITS = 5;
    private static final int MAX_EXPONENT = 40;
    private static final int BUCKETS = LINEAR + (MAX_EXPONENT - SUB_BITS) * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    /** Records one value; negative values (clock skew) count as 0. */
    public void record(long millis) {
        counts.incrementAndGet(indexOf(Math.max(0, millis)));
    }

    /** The number of values recorded. */
    public long count() {
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            n += counts.get(i);
        }
        return n;
    }

    /**
     * The value at a quantile, as the middle of its bucket; 0 when nothing was recorded.
     *
     * @param quantile between 0 and 1, e.g. 0.99
     */
    public long valueAt(double quantile) {
        if (quantile < 0 || quantile > 1) {
            throw new IllegalArgumentException("quantile must be between 0 and 1, was " + quantile);
        }
        long[] snapshot = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return middleOf(i);
            }
        }
        return middleOf(BUCKETS - 1);
    }

    static int indexOf(long value) {
        if (value < LINEAR) {
            return (int) value;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(value);
        if (exponent >= MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        int shift = exponent - SUB_BITS;
        int sub = (int) ((value >>> shift) - SUB_BUCKETS);
        return LINEAR + (exponent - 6) * SUB_BUCKETS + sub;
    }

    static long middleOf(int index) {
        if (index < LINEAR) {
            return index;
        }
        int exponent = (index - LINEAR) / SUB_BUCKETS + 6;
        int sub = (index - LINEAR) % SUB_BUCKETS;
        int shift = exponent - SUB_BITS;
        long low = ((long) (SUB_BUCKETS + sub)) << shift;
        return low + ((1L << shift) >>> 1);
    }
}
