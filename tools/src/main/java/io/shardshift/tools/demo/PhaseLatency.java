package io.shardshift.tools.demo;

import io.shardshift.engine.topology.ApplyMetrics;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

/**
 * The commit-to-applied latencies of every target recorded while a phase runs (the backfill, for the demo),
 * fed as an {@link ApplyMetrics.LatencyListener}; percentiles by the nearest-rank method.
 */
final class PhaseLatency implements ApplyMetrics.LatencyListener {
    private final BooleanSupplier inPhase;
    private final ConcurrentLinkedQueue<Long> samples = new ConcurrentLinkedQueue<>();

    /** @param inPhase whether the phase runs now */
    PhaseLatency(BooleanSupplier inPhase) {
        this.inPhase = inPhase;
    }

    @Override
    public void latency(String target, long millis) {
        if (inPhase.getAsBoolean()) {
            samples.add(Math.max(0, millis));
        }
    }

    /** E.g. {@code p50 85 ms, p99 1,400 ms (12,345 events)}; {@code no events} when none was recorded. */
    String summary() {
        long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return "no events";
        }
        return String.format("p50 %,d ms, p99 %,d ms, max %,d ms (%,d events)", at(sorted, 0.50), at(sorted, 0.99),
                sorted[sorted.length - 1], sorted.length);
    }

    static long at(long[] sorted, double q) {
        return sorted[Math.max(1, (int) Math.ceil(q * sorted.length)) - 1];
    }
}
