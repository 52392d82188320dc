package io.shardshift.tools.bench;

import io.shardshift.testkit.PacedWriters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Writers paced to a total rate for a duration ({@link PacedWriters}, the engine of every write load), and a
 * probe that polls until each sampled write is visible where it should land: the latency benchmarks' load. A writer returns the key of a write
 * to probe (or {@code null}); the time from the write's acknowledgement to the probe finding the key is one
 * sample. Once the writers stop, the probe gets {@code catchUp} to find what is left, else the run fails.
 *
 * @param <K> the key a probe looks for
 */
final class PacedLoad<K> {

    /** One writer's session (its connection, statements). */
    interface Writer<K> extends AutoCloseable {
        /** Makes write number {@code n} of this writer; returns the key to probe, or {@code null}. */
        K write(long n) throws Exception;

        @Override
        void close() throws Exception;
    }

    /** Opens writer {@code index}'s session. */
    @FunctionalInterface
    interface WriterFactory<K> {
        Writer<K> open(int index) throws Exception;
    }

    /** Finds keys where they should be visible. */
    interface Probe<K> extends AutoCloseable {
        /** The keys among {@code pending} that are visible now. */
        Collection<K> visible(List<K> pending) throws Exception;

        @Override
        void close() throws Exception;
    }

    /**
     * @param committedAtNanos when the write was acknowledged ({@link System#nanoTime()})
     * @param millis           acknowledged to found
     */
    record Sample(long committedAtNanos, long millis) {
    }

    /**
     * @param writes     writes acknowledged
     * @param seconds    how long the writers ran
     * @param startNanos when the first write was due
     * @param samples    the probed writes
     */
    record Outcome(long writes, double seconds, long startNanos, List<Sample> samples) {
        List<Long> millis() {
            return samples.stream().map(Sample::millis).toList();
        }
    }

    private final String name;
    private final Duration pollEvery;
    private final Duration catchUp;
    private final Map<K, Long> pending = new ConcurrentHashMap<>();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    /**
     * @param name      names the threads and the errors
     * @param pollEvery how often the probe looks (the samples read up to this much high)
     * @param catchUp   how long the probe may take to find the last writes once writing stops
     */
    PacedLoad(String name, Duration pollEvery, Duration catchUp) {
        this.name = name;
        this.pollEvery = pollEvery;
        this.catchUp = catchUp;
    }

    /** Runs {@code writers} writers at {@code rate} writes per second in all for {@code duration}. */
    Outcome run(double rate, int writers, Duration duration, WriterFactory<K> factory, Callable<Probe<K>> probe)
            throws InterruptedException {
        PacedWriters load = new PacedWriters(name, writers, rate, PacedWriters.Pacing.CATCH_UP, i -> probed(factory.open(i)));
        load.startFor(duration);
        Thread prober = new Thread(() -> probe(probe), name + "-probe");
        prober.setDaemon(true);
        prober.start();
        try {
            load.awaitFinished();
        } catch (IllegalStateException e) {
            failure.compareAndSet(null, e);
        }
        double seconds = (System.nanoTime() - load.startNanos()) / 1e9;
        writing.set(false);
        prober.join(catchUp.plusSeconds(30).toMillis());
        if (failure.get() != null) {
            throw new IllegalStateException(name + " failed: " + failure.get().getMessage(), failure.get());
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException(name + ": " + pending.size() + " probed writes were not visible within "
                    + catchUp + " after the writes stopped");
        }
        return new Outcome(writes.get(), seconds, load.startNanos(), List.copyOf(samples));
    }

    /** A paced writer that records each write's acknowledgement and, for a key it returns, when to probe. */
    private PacedWriters.Writer probed(Writer<K> writer) {
        return new PacedWriters.Writer() {
            @Override
            public void write(long n) throws Exception {
                K key = writer.write(n);
                long committedAt = System.nanoTime();
                writes.incrementAndGet();
                if (key != null) {
                    pending.put(key, committedAt);
                }
            }

            @Override
            public void close() throws Exception {
                writer.close();
            }
        };
    }

    private void probe(Callable<Probe<K>> opener) {
        try (Probe<K> probe = opener.call()) {
            long giveUpAt = Long.MAX_VALUE;
            while (!pending.isEmpty() || writing.get()) {
                if (!writing.get() && giveUpAt == Long.MAX_VALUE) {
                    giveUpAt = System.nanoTime() + catchUp.toNanos();
                }
                if (System.nanoTime() > giveUpAt || failure.get() != null) {
                    return;
                }
                long next = System.nanoTime() + pollEvery.toNanos();
                if (!pending.isEmpty()) {
                    Collection<K> seen = probe.visible(new ArrayList<>(pending.keySet()));
                    long seenAt = System.nanoTime();
                    for (K key : seen) {
                        Long committedAt = pending.remove(key);
                        if (committedAt != null) {
                            samples.add(new Sample(committedAt, Math.max(0, (seenAt - committedAt) / 1_000_000)));
                        }
                    }
                }
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
            }
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }
}
