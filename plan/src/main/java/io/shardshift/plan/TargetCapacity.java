package io.shardshift.plan;

/**
 * What one target can take. The planner never moves load onto a target beyond its limits, and moves load
 * off a target that is over them.
 *
 * @param weight          the target's relative size: a target of weight 2 should carry twice the load of
 *                        a target of weight 1 (default 1)
 * @param maxBytes        bytes the target can hold ({@link Long#MAX_VALUE}: no limit)
 * @param maxWritesPerSec writes per second the target can take ({@link Double#POSITIVE_INFINITY}: no limit)
 */
public record TargetCapacity(double weight, long maxBytes, double maxWritesPerSec) {
    private static final TargetCapacity UNLIMITED = new TargetCapacity(1, Long.MAX_VALUE, Double.POSITIVE_INFINITY);

    public TargetCapacity {
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("target capacity weight must be a positive number, was " + weight);
        }
        if (maxBytes < 0 || !(maxWritesPerSec >= 0)) {
            throw new IllegalArgumentException("target capacity limits must not be negative (maxBytes=" + maxBytes
                    + ", maxWritesPerSec=" + maxWritesPerSec + ")");
        }
    }

    /** Weight 1, no limits. */
    public static TargetCapacity unlimited() {
        return UNLIMITED;
    }

    /** The given weight, no limits. */
    public static TargetCapacity ofWeight(double weight) {
        return new TargetCapacity(weight, Long.MAX_VALUE, Double.POSITIVE_INFINITY);
    }

    /** Whether {@code load} fits within the limits. */
    public boolean fits(Load load) {
        return load.bytes() <= maxBytes && load.writesPerSec() <= maxWritesPerSec * (1 + 1e-9);
    }
}
