package io.shardshift.plan.report;

/** The warning signals of a {@link SkewReport}. */
public enum Signal {
    /** A shard serves more than {@link Thresholds#rateSkew()} times the mean request rate. */
    SHARD_RATE_SKEW,
    /** A Solr core's filter cache hit ratio is under {@link Thresholds#minFilterCacheHitRatio()}. */
    FILTER_CACHE_HIT_RATIO,
    /** The top partition's lag is above the {@link Thresholds#lagPercentile()} of all partitions' lags. */
    PARTITION_LAG,
    /** A table's dead rows exceed {@link Thresholds#maxBloat()} of its rows. */
    TABLE_BLOAT,
    /** One partition, shard or tenant takes more than {@link Thresholds#maxWriteShare()} of the writes. */
    WRITE_SHARE
}
