package io.shardshift.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Writer threads paced to a total rate: the one engine under every write load of the tests, the demo and the
 * benchmarks ({@link WriteLoad}, {@link FollowingWriteLoad}, the benchmarks' paced load). A workload says only
 * what one write is ({@link Writer}); this class owns the threads, the pacing, stopping and the first failure.
 * Writers start staggered over one interval, so the rate is even from the first write.
 *
 * <pre>{@code
 * PacedWriters load = new PacedWriters("demo", 4, 500, Pacing.CATCH_UP, i -> n -> insertOne(i, n)).start();
 * ...
 * load.stop();   // waits for the writers; throws the first writer failure
 * }</pre>
 */
public final class PacedWriters implements AutoCloseable {
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(40);

    /** What a writer does when it falls behind its schedule (a slow write, a pause). */
    public enum Pacing {
        /** Makes up the missed writes at once: an open-loop load that keeps the average rate. */
        CATCH_UP,
        /** Starts its schedule again from now: no burst after a pause (as an application that waited would). */
        SKIP_MISSED
    }

    /** One writer's session (its connections and statements). */
    @FunctionalInterface
    public interface Writer extends AutoCloseable {
        /** Makes write number {@code n} of this writer; an exception stops this writer and is the run's failure. */
        void write(long n) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    /** Opens writer {@code index}'s session, on that writer's thread. */
    @FunctionalInterface
    public interface WriterFactory {
        Writer open(int index) throws Exception;
    }

    private final String name;
    private final int writers;
    private final long intervalNanos;
    private final Pacing pacing;
    private final WriterFactory factory;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile long startNanos;

    /**
     * @param name         names the threads ({@code <name>-writer-<i>}) and the failure
     * @param opsPerSecond the total rate over all writers
     */
    public PacedWriters(String name, int writers, double opsPerSecond, Pacing pacing, WriterFactory factory) {
        if (writers < 1 || !(opsPerSecond > 0)) {
            throw new IllegalArgumentException(name + ": writers must be at least 1 and the rate positive, were "
                    + writers + " and " + opsPerSecond);
        }
        this.name = name;
        this.writers = writers;
        this.intervalNanos = Math.round(writers * 1e9 / opsPerSecond);
        this.pacing = pacing;
        this.factory = factory;
    }

    /** Starts the writers; they write until {@link #stop()}. */
    public PacedWriters start() {
        return start(Long.MAX_VALUE);
    }

    /** Starts the writers; they stop by themselves after {@code duration} (see {@link #awaitFinished()}). */
    public PacedWriters startFor(Duration duration) {
        return start(duration.toNanos());
    }

    private PacedWriters start(long durationNanos) {
        running.set(true);
        startNanos = System.nanoTime();
        long end = durationNanos == Long.MAX_VALUE ? Long.MAX_VALUE : startNanos + durationNanos;
        for (int i = 0; i < writers; i++) {
            int index = i;
            long first = startNanos + i * intervalNanos / writers;
            Thread t = new Thread(() -> run(index, first, end), name + "-writer-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return this;
    }

    private void run(int index, long firstAt, long end) {
        try (Writer writer = factory.open(index)) {
            long at = firstAt;
            for (long n = 0; running.get() && at - end < 0; n++) {
                long wait = at - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else if (pacing == Pacing.SKIP_MISSED) {
                    at = System.nanoTime();
                }
                writer.write(n);
                at += intervalNanos;
            }
        } catch (Exception e) {
            if (running.get()) {
                failure.compareAndSet(null, e);
                running.set(false);
            }
        }
    }

    /** When the writers started ({@link System#nanoTime()}). */
    public long startNanos() {
        return startNanos;
    }

    /** True until {@link #stop()} or the first writer failure. */
    public boolean running() {
        return running.get();
    }

    /** Waits for writers started with {@link #startFor(Duration)} to finish; throws the first writer failure. */
    public void awaitFinished() throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
        throwIfFailed();
    }

    /** Stops the writers, waits for them, and throws the first writer failure. */
    public void stop() {
        stopped.set(true);
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(JOIN_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throwIfFailed();
    }

    /** Throws the first writer failure, if a writer has failed (all writers stop at the first failure). */
    public void throwIfFailed() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("a " + name + " writer failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!threads.isEmpty() && !stopped.get()) {
            stop();
        }
    }
}
