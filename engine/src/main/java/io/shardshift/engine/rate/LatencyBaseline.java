package io.shardshift.engine.rate;

/**
 * A latency per 1,000 rows as a recent average (exponentially weighted over the ticks that had rows) and its
 * baseline: the lowest recent average seen once {@value #WARM_UP} ticks have had rows. Not thread-safe; the
 * guard's thread alone uses it.
 */
final class LatencyBaseline {
    private static final double WEIGHT = 0.3;
    private static final int WARM_UP = 3;

    private double average = -1;
    private double baseline = -1;
    private int samples;

    /** Adds a tick's total time and rows; a tick without rows changes nothing. */
    void add(long nanos, long rows) {
        if (rows <= 0) {
            return;
        }
        double per1k = nanos / 1e6 / rows * 1000.0;
        average = average < 0 ? per1k : WEIGHT * per1k + (1 - WEIGHT) * average;
        if (++samples >= WARM_UP) {
            baseline = baseline < 0 ? average : Math.min(baseline, average);
        }
    }

    /** The recent average in ms per 1,000 rows; -1 before the first rows. */
    double average() {
        return average;
    }

    /** The baseline in ms per 1,000 rows; -1 until warmed up. */
    double baseline() {
        return baseline;
    }
}
