package io.shardshift.plan.capacity;

/**
 * A throughput to carry.
 *
 * @param mbPerSec      megabytes per second
 * @param recordsPerSec records (rows, messages, documents) per second
 * @param distinctKeys  distinct partition keys (0: unknown); a key goes to one unit, so there is no use in
 *                      more units than keys
 */
public record Throughput(double mbPerSec, double recordsPerSec, long distinctKeys) {
    public Throughput {
        if (!(mbPerSec >= 0) || !(recordsPerSec >= 0) || Double.isInfinite(mbPerSec) || Double.isInfinite(recordsPerSec)) {
            throw new IllegalArgumentException("throughput must be finite and not negative (mbPerSec=" + mbPerSec
                    + ", recordsPerSec=" + recordsPerSec + ")");
        }
        if (distinctKeys < 0) {
            throw new IllegalArgumentException("distinctKeys must not be negative, was " + distinctKeys);
        }
    }
}
