package io.shardshift.tools.bench;

import java.util.Collection;

/**
 * Exact percentiles of a set of samples by the nearest-rank method: the value at rank
 * {@code ceil(q * n)} of the sorted samples, e.g. the p99 of 1..100 is 99.
 *
 * @param count the number of samples
 * @param p50   the median
 * @param p95   the 95th percentile
 * @param p99   the 99th percentile
 * @param max   the largest sample
 */
record Percentiles(int count, long p50, long p95, long p99, long max) {

    /** The percentiles of the samples; all zeros when there are none. */
    static Percentiles of(Collection<Long> samples) {
        long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return new Percentiles(0, 0, 0, 0, 0);
        }
        return new Percentiles(sorted.length, at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99),
                sorted[sorted.length - 1]);
    }

    /** The nearest-rank value at quantile {@code q} of sorted, non-empty samples. */
    static long at(long[] sorted, double q) {
        if (q <= 0 || q > 1) {
            throw new IllegalArgumentException("quantile must be in (0, 1], was " + q);
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    @Override
    public String toString() {
        return "p50 " + p50 + " ms, p95 " + p95 + " ms, p99 " + p99 + " ms, max " + max + " ms (" + count + " samples)";
    }
}
