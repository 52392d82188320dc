package io.shardshift.plan;

/**
 * How the planner turns a {@link Load} into one number to balance: the load's share of the total, from 0
 * to 1. {@link #BALANCED}, the default, averages the share of bytes (storage) and of writes (work), so a
 * target that stores little but takes most writes still counts as loaded.
 */
public enum LoadWeight {
    /** Share of the rows. */
    ROWS,
    /** Share of the bytes. */
    BYTES,
    /** Share of the write rate. */
    WRITES,
    /** Mean of the share of bytes and the share of writes (only the dimensions with a non-zero total). */
    BALANCED;

    /**
     * The share of {@code total} that {@code load} carries under this weighting. A dimension whose total is
     * zero carries no information and is left out; when every dimension is zero the share is zero.
     */
    public double share(Load load, Load total) {
        return switch (this) {
            case ROWS -> ratio(load.rows(), total.rows());
            case BYTES -> ratio(load.bytes(), total.bytes());
            case WRITES -> ratio(load.writesPerSec(), total.writesPerSec());
            case BALANCED -> balanced(load, total);
        };
    }

    private static double balanced(Load load, Load total) {
        boolean hasBytes = total.bytes() > 0;
        boolean hasWrites = total.writesPerSec() > 0;
        if (hasBytes && hasWrites) {
            return (ratio(load.bytes(), total.bytes()) + ratio(load.writesPerSec(), total.writesPerSec())) / 2;
        }
        if (hasBytes) {
            return ratio(load.bytes(), total.bytes());
        }
        if (hasWrites) {
            return ratio(load.writesPerSec(), total.writesPerSec());
        }
        return ratio(load.rows(), total.rows());
    }

    private static double ratio(double part, double whole) {
        return whole <= 0 ? 0 : part / whole;
    }
}
