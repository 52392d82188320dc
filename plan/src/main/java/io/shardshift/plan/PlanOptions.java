package io.shardshift.plan;

import java.util.Objects;

/**
 * Tuning of the {@link LayoutPlanner}.
 *
 * @param maxSkew         the skew (max over mean of the weighted load of the bucket targets) the plan aims
 *                        for; the planner stops moving buckets once every target is within it (default 1.5)
 * @param hotShare        a tenant is hot when its load exceeds {@code hotShare} times the mean load per
 *                        bucket target; a hot tenant gets a dedicated target (default 1.0)
 * @param weight          how a load is turned into one number to balance (default {@link LoadWeight#BALANCED})
 * @param hotTargetPrefix prefix of the names of new dedicated targets, {@code <prefix>_hot_<n>}; null takes
 *                        it from the first target's name ({@code pg_a} gives {@code pg})
 */
public record PlanOptions(double maxSkew, double hotShare, LoadWeight weight, String hotTargetPrefix) {

    public PlanOptions {
        if (!(maxSkew >= 1.0) || Double.isInfinite(maxSkew)) {
            throw new IllegalArgumentException("maxSkew must be at least 1.0, was " + maxSkew);
        }
        if (!(hotShare > 0) || Double.isInfinite(hotShare)) {
            throw new IllegalArgumentException("hotShare must be a positive number, was " + hotShare);
        }
        Objects.requireNonNull(weight, "weight");
        if (hotTargetPrefix != null && !hotTargetPrefix.matches("[A-Za-z0-9_-]{1,50}")) {
            throw new IllegalArgumentException("hotTargetPrefix '" + hotTargetPrefix + "' must match [A-Za-z0-9_-]{1,50}");
        }
    }

    /** Skew 1.5, hot share 1.0, balanced weight, prefix from the first target. */
    public static PlanOptions defaults() {
        return new PlanOptions(1.5, 1.0, LoadWeight.BALANCED, null);
    }

    public PlanOptions withMaxSkew(double value) {
        return new PlanOptions(value, hotShare, weight, hotTargetPrefix);
    }

    public PlanOptions withHotShare(double value) {
        return new PlanOptions(maxSkew, value, weight, hotTargetPrefix);
    }

    public PlanOptions withWeight(LoadWeight value) {
        return new PlanOptions(maxSkew, hotShare, value, hotTargetPrefix);
    }

    public PlanOptions withHotTargetPrefix(String value) {
        return new PlanOptions(maxSkew, hotShare, weight, value);
    }
}
