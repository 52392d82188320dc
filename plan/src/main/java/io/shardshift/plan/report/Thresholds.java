package io.shardshift.plan.report;

/**
 * The design's warning signals. Defaults: shard QPS skew above 2.0, filter cache hit ratio under 30%, the top
 * partition's lag above the 95th percentile of all partitions' lags, table bloat above 25%, one partition
 * taking over 60% of the writes.
 *
 * @param rateSkew               max over mean of a per-shard request rate (Solr queries, PostgreSQL writes)
 * @param minFilterCacheHitRatio the lowest acceptable filter cache hit ratio of a Solr core
 * @param lagPercentile          the percentile of the partitions' lags the top partition's lag is compared to
 * @param minLag                 a noise floor: a top lag under this many records is never flagged
 * @param maxBloat               the highest acceptable {@code n_dead_tup / (n_live_tup + n_dead_tup)}
 * @param maxWriteShare          the largest acceptable share of the writes on one partition, shard or tenant
 */
public record Thresholds(double rateSkew, double minFilterCacheHitRatio, double lagPercentile, long minLag,
                         double maxBloat, double maxWriteShare) {

    public Thresholds {
        if (!(rateSkew >= 1.0)) {
            throw new IllegalArgumentException("rateSkew must be at least 1.0, was " + rateSkew);
        }
        requireFraction(minFilterCacheHitRatio, "minFilterCacheHitRatio");
        requireFraction(lagPercentile, "lagPercentile");
        requireFraction(maxBloat, "maxBloat");
        requireFraction(maxWriteShare, "maxWriteShare");
        if (minLag < 0) {
            throw new IllegalArgumentException("minLag must not be negative, was " + minLag);
        }
    }

    /** The design's values, with a lag noise floor of 1000 records. */
    public static Thresholds defaults() {
        return new Thresholds(2.0, 0.30, 0.95, 1_000, 0.25, 0.60);
    }

    private static void requireFraction(double value, String name) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, was " + value);
        }
    }
}
