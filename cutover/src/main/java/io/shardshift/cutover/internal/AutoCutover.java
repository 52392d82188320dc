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
 * for its gates) and, after an abort, tries again after a pause; it stops for good once a cutover completed
 * or the new generation is live (cut over by an operator meanwhile).
 */
public final class AutoCutover implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AutoCutover.class);

    private final String migration;
    private final BooleanSupplier backfillFinished;
    private final Supplier<CutoverResult> cutover;
    private final LongSupplier liveGeneration;
    private final long targetGeneration;
    private final Duration retryAfter;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean running;
    private Thread thread;

    public AutoCutover(String migration, BooleanSupplier backfillFinished, Supplier<CutoverResult> cutover,
                       LongSupplier liveGeneration, long targetGeneration, Duration retryAfter) {
        this.migration = migration;
        this.backfillFinished = backfillFinished;
        this.cutover = cutover;
        this.liveGeneration = liveGeneration;
        this.targetGeneration = targetGeneration;
        this.retryAfter = retryAfter;
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
                if (r.completed()) {
                    LOG.info("auto cutover of {} completed: generation {} is live", migration, r.toGeneration());
                    return;
                }
                LOG.warn("auto cutover of {} aborted at {}: {}; trying again in {} s", migration, r.failedStep(),
                        r.reason(), retryAfter.toSeconds());
                stop.await(retryAfter.toMillis(), TimeUnit.MILLISECONDS);
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
