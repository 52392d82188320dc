package io.shardshift.engine.rate;

/** Hears how long the backfill's writers took to write rows to a target, for the rate guard. Thread-safe. */
@FunctionalInterface
public interface BackfillWrites {
    /** Ignores the timings. */
    BackfillWrites NONE = (target, nanos, rows) -> { };

    /** {@code rows} rows were written to {@code target} in {@code nanos}. */
    void written(String target, long nanos, long rows);
}
