package io.shardshift.engine.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardshift.engine.topology.ApplyMetrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Commit-to-applied latency percentiles over a recent window (about 30 s) per target, for the dashboard's
 * latency chart: the apply metrics' percentiles cover the whole run, so they barely move after a while.
 * Fed as an {@link ApplyMetrics.LatencyListener}.
 */
public final class RecentLatency implements ApplyMetrics.LatencyListener {
    private static final Duration ROTATION = Duration.ofSeconds(10);
    private static final int BUFFERS = 3;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    @Override
    public void latency(String target, long millis) {
        timers.computeIfAbsent(target, t -> Timer.builder("recent.latency").tag("target", t)
                        .publishPercentiles(0.99)
                        .distributionStatisticExpiry(ROTATION)
                        .distributionStatisticBufferLength(BUFFERS)
                        .register(registry))
                .record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    /** The 99th percentile of the target's recent latencies in ms; 0 when none. */
    public long p99Millis(String target) {
        Timer timer = timers.get(target);
        if (timer == null) {
            return 0;
        }
        for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
            return Math.round(v.value(TimeUnit.MILLISECONDS));
        }
        return 0;
    }
}
