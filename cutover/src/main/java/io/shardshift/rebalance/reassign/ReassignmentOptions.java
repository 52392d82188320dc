package io.shardshift.rebalance.reassign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link ReassignmentExecutor} runs a plan.
 *
 * @param throttleBytesPerSecond replication throttle per broker while replicas copy
 *                               ({@code leader.replication.throttled.rate} and
 *                               {@code follower.replication.throttled.rate}), at least 1024
 * @param timeout                longest time for the whole run (copy and leader election); on expiry the
 *                               partitions still moving are cancelled and keep their old replicas
 * @param pollInterval           how often progress is read from the cluster
 * @param requestTimeout         bound of each admin request
 * @param maxPartitionsPerBatch  partitions submitted together, in plan order (those led by the hottest broker
 *                               first), each batch moved and its leaders elected before the next; 0 for all
 *                               in one batch
 */
public record ReassignmentOptions(long throttleBytesPerSecond, Duration timeout, Duration pollInterval,
                                  Duration requestTimeout, int maxPartitionsPerBatch) {

    /**
     * 10 MB/s per broker, 30 minutes, progress every 500 ms, admin requests bounded by 30 s, all partitions in
     * one batch.
     */
    public static final ReassignmentOptions DEFAULTS = new ReassignmentOptions(
            10L * 1024 * 1024, Duration.ofMinutes(30), Duration.ofMillis(500), Duration.ofSeconds(30), 0);

    public ReassignmentOptions {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        List<String> problems = new ArrayList<>();
        if (throttleBytesPerSecond < 1024) {
            problems.add("throttleBytesPerSecond: must be at least 1024, was " + throttleBytesPerSecond);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            problems.add("timeout: must be positive, was " + timeout);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            problems.add("pollInterval: must be positive, was " + pollInterval);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            problems.add("requestTimeout: must be positive, was " + requestTimeout);
        }
        if (maxPartitionsPerBatch < 0) {
            problems.add("maxPartitionsPerBatch: must be 0 (all) or more, was " + maxPartitionsPerBatch);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid reassignment options: " + String.join("; ", problems));
        }
    }

    /** These options with another throttle. */
    public ReassignmentOptions withThrottle(long bytesPerSecond) {
        return new ReassignmentOptions(bytesPerSecond, timeout, pollInterval, requestTimeout, maxPartitionsPerBatch);
    }

    /** These options with another overall timeout. */
    public ReassignmentOptions withTimeout(Duration newTimeout) {
        return new ReassignmentOptions(throttleBytesPerSecond, newTimeout, pollInterval, requestTimeout,
                maxPartitionsPerBatch);
    }

    /** These options with another batch size (0: all partitions in one batch). */
    public ReassignmentOptions withMaxPartitionsPerBatch(int partitions) {
        return new ReassignmentOptions(throttleBytesPerSecond, timeout, pollInterval, requestTimeout, partitions);
    }
}
