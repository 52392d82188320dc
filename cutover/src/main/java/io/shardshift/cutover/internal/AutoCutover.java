package io.shardshift.cutover.internal;

import io.shardshift.cdc.LoggingContext;
import io.shardshift.cutover.CutoverResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The thread of {@code cutover.auto}: waits for the backfill to finish, then runs the cutover (which waits
 * for its gates) and, after an abort, tries again after a pause that doubles with each abort up to a cap (each
 * attempt pauses writes, so a cutover that keeps failing must not pause them every few seconds); every attempt is
 * reported to a listener (the audit trail). It stops for good once a cutover completed or the new generation is
 * live (cut over by an operator meanwhile).
 */
public final class AutoCutover implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AutoCutover.class);

    /** Told after each attempt: its number (from 1), its result, and when the next one starts (zero: none). */
    @FunctionalInterface
    public interface Attempts {
        void attempted(int attempt, CutoverResult result, Duration nextIn);
    }

    private final String migration;
    private final BooleanSupplier backfillFinished;
    private final Supplier<CutoverResult> cutover;
    private final LongSupplier liveGeneration;
    private final long targetGeneration;
    private final Duration retryAfter;
    private final Duration maxRetryAfter;
    private final Attempts attempts;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean running;
    private Thread thread;

    /**
     * @param retryAfter    the pause after the first abort, doubled after each further one
     * @param maxRetryAfter the longest pause
     */
    public AutoCutover(String migration, BooleanSupplier backfillFinished, Supplier<CutoverResult> cutover,
                       LongSupplier liveGeneration, long targetGeneration, Duration retryAfter, Duration maxRetryAfter,
                       Attempts attempts) {
        this.migration = migration;
        this.backfillFinished = backfillFinished;
        this.cutover = cutover;
        this.liveGeneration = liveGeneration;
        this.targetGeneration = targetGeneration;
        this.retryAfter = retryAfter;
        this.maxRetryAfter = maxRetryAfter;
        this.attempts = attempts;
    }

    /** The pause after the {@code attempt}-th abort: {@code retryAfter * 2^(attempt-1)}, at most the cap. */
    static Duration pauseAfter(int attempt, Duration retryAfter, Duration maxRetryAfter) {
        Duration pause = retryAfter;
        for (int i = 1; i < attempt && pause.compareTo(maxRetryAfter) < 0; i++) {
            pause = pause.multipliedBy(2);
        }
        return pause.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : pause;
    }

    public synchronized AutoCutover start() {
        running = true;
        thread = new Thread(this::run, "auto-cutover-" + migration);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void run() {
        try (LoggingContext.Scope ignored = LoggingContext.forMigration(migration).with(LoggingContext.PHASE, "auto-cutover")) {
            waitAndCutOver();
        }
    }

    private void waitAndCutOver() {
        int attempt = 0;
        try {
            while (stop.getCount() > 0) {
                if (liveGeneration.getAsLong() == targetGeneration) {
                    LOG.info("auto cutover of {}: generation {} is live, nothing to do", migration, targetGeneration);
                    return;
                }
                if (!backfillFinished.getAsBoolean()) {
                    stop.await(500, TimeUnit.MILLISECONDS);
                    continue;
                }
                CutoverResult r = cutover.get();
                attempt++;
                if (r.completed()) {
                    LOG.info("auto cutover of {} completed: generation {} is live", migration, r.toGeneration());
                    attempts.attempted(attempt, r, Duration.ZERO);
                    return;
                }
                Duration pause = pauseAfter(attempt, retryAfter, maxRetryAfter);
                LOG.warn("auto cutover of {} aborted at {} (attempt {}): {}; trying again in {} s", migration,
                        r.failedStep(), attempt, r.reason(), pause.toSeconds());
                attempts.attempted(attempt, r, pause);
                stop.await(pause.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("auto cutover of {} stopped: {}", migration, e.getMessage(), e);
        } finally {
            running = false;
        }
    }

    /** True while it still waits or tries. */
    public boolean running() {
        return running;
    }

    /** Stops trying; a cutover waiting for its gates is interrupted (and aborts with the old layout live). */
    @Override
    public void close() {
        stop.countDown();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(60).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
