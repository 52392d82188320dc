package io.shardshift.plan;

/** The planner's conclusion. */
public enum Verdict {
    /** The current layout is within the skew and capacity limits; nothing moves. */
    BALANCED,
    /** Bucket moves and dedicated targets bring the layout within the limits. */
    REBALANCED,
    /**
     * Moving buckets cannot bring the layout within the limits (a bucket or a tenant is too big on its
     * own, or the targets lack capacity): split buckets, split a tenant, or add targets.
     */
    NEEDS_SPLIT
}
