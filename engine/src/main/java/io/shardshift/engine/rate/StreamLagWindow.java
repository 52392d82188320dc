package io.shardshift.engine.rate;

import io.shardshift.engine.topology.ApplyMetrics;

import java.util.Arrays;

/**
 * The commit-to-applied latencies of the events applied since the last {@link #p99AndReset()}, over every
 * target, fed as an {@link ApplyMetrics.LatencyListener} by the apply threads. Keeps at most
 * {@value #MAX_SAMPLES} per window (the later ones replace earlier ones in turn), enough for a 99th percentile.
 */
final class StreamLagWindow implements ApplyMetrics.LatencyListener {
    private static final int MAX_SAMPLES = 8192;

    private long[] samples = new long[MAX_SAMPLES];
    private int count;
    private long seen;

    @Override
    public synchronized void latency(String target, long millis) {
        samples[(int) (seen % MAX_SAMPLES)] = Math.max(0, millis);
        seen++;
        count = (int) Math.min(seen, MAX_SAMPLES);
    }

    /** The window's 99th percentile in ms and its event count, as {p99, count}; then starts a new window. */
    synchronized long[] p99AndReset() {
        if (count == 0) {
            return new long[] {-1, 0};
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        long p99 = sorted[Math.min(count - 1, (int) Math.ceil(count * 0.99) - 1)];
        long n = seen;
        count = 0;
        seen = 0;
        return new long[] {p99, n};
    }
}
