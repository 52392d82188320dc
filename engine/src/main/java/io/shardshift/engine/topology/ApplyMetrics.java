package io.shardshift.engine.topology;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.engine.topology.internal.LatencyHistogram;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the apply topology has done, per target. Thread-safe: every stream thread records into one
 * instance, and readers (lag report, metrics export) take {@linkplain #snapshot() snapshots} at any time.
 *
 * <p>Only streamed events count towards the fence, commit time and latency: a snapshot row's position
 * holds the snapshot point and read time, not a commit. End-to-end latency is the time from the source
 * commit to the sink's acknowledgement of the batch holding the event.
 */
public final class ApplyMetrics {
    private final Map<String, TargetCounters> targets = new ConcurrentHashMap<>();
    private final LongAdder undeliverable = new LongAdder();
    private final List<LatencyListener> latencyListeners = new CopyOnWriteArrayList<>();

    /** Receives each commit-to-applied latency as it is measured (e.g. to feed a metrics histogram). */
    @FunctionalInterface
    public interface LatencyListener {
        void latency(String target, long millis);
    }

    /** Adds a listener called on the stream thread for every latency sample; it must be cheap. */
    public void addLatencyListener(LatencyListener listener) {
        latencyListeners.add(listener);
    }

    /**
     * Records a batch a target has applied.
     *
     * @param target    the target
     * @param applied   the events it applied (rejected ones excluded)
     * @param nowMillis the wall-clock time the write finished
     */
    public void recordApplied(String target, Collection<ChangeEvent> applied, long nowMillis) {
        TargetCounters c = countersOf(target);
        c.applied.add(applied.size());
        for (ChangeEvent e : applied) {
            if (!e.position().snapshot()) {
                c.highestFence.accumulate(e.position().fence());
                c.lastCommitMillis.accumulate(e.position().commitMillis());
                c.latency.record(nowMillis - e.position().commitMillis());
                latencyListeners.forEach(l -> l.latency(target, nowMillis - e.position().commitMillis()));
            }
        }
    }

    /**
     * Records a dead letter.
     *
     * @param target the target that rejected the event, or {@code null} when it could not be decoded or routed
     */
    public void recordDeadLetter(String target) {
        if (target == null) {
            undeliverable.increment();
        } else {
            countersOf(target).deadLetters.incrementAndGet();
        }
    }

    /** The figures of one target; zeros if nothing was recorded for it yet. */
    public TargetStats target(String target) {
        TargetCounters c = targets.get(target);
        return c == null ? new TargetStats(target, 0, 0, 0, 0, 0, 0, 0) : c.stats(target);
    }

    /** The figures of every target seen so far, by name. */
    public Map<String, TargetStats> snapshot() {
        Map<String, TargetStats> out = new TreeMap<>();
        targets.forEach((name, c) -> out.put(name, c.stats(name)));
        return out;
    }

    /** Dead letters in all: rejected by a target, or not decodable or routable. */
    public long deadLetters() {
        long total = undeliverable.sum();
        for (TargetCounters c : targets.values()) {
            total += c.deadLetters.get();
        }
        return total;
    }

    /** Dead letters that never reached a target: records that could not be decoded or routed. */
    public long undeliverable() {
        return undeliverable.sum();
    }

    private TargetCounters countersOf(String target) {
        return targets.computeIfAbsent(target, t -> new TargetCounters());
    }

    /**
     * The figures of one target at one moment.
     *
     * @param target           the target
     * @param eventsApplied    events applied (including stale ones the target's fence ignored)
     * @param highestFence     the highest LSN applied, 0 if none
     * @param lastCommitMillis the newest source commit time applied (epoch ms), 0 if none
     * @param deadLetters      events this target rejected
     * @param latencySamples   streamed events with a latency sample
     * @param p50LatencyMillis median commit-to-applied latency
     * @param p99LatencyMillis 99th percentile commit-to-applied latency
     */
    public record TargetStats(String target, long eventsApplied, long highestFence, long lastCommitMillis,
                              long deadLetters, long latencySamples, long p50LatencyMillis, long p99LatencyMillis) {

        /** How far behind the source this target is: now minus the newest commit applied; 0 if none yet. */
        public long lagMillis(long nowMillis) {
            return lastCommitMillis == 0 ? 0 : Math.max(0, nowMillis - lastCommitMillis);
        }
    }

    private static final class TargetCounters {
        final LongAdder applied = new LongAdder();
        final LongAccumulator highestFence = new LongAccumulator(Math::max, 0);
        final LongAccumulator lastCommitMillis = new LongAccumulator(Math::max, 0);
        final AtomicLong deadLetters = new AtomicLong();
        final LatencyHistogram latency = new LatencyHistogram();

        TargetStats stats(String name) {
            return new TargetStats(name, applied.sum(), highestFence.get(), lastCommitMillis.get(), deadLetters.get(),
                    latency.count(), latency.valueAt(0.50), latency.valueAt(0.99));
        }
    }
}
