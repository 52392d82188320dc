package io.shardshift.cdc.internal;

import io.shardshift.cdc.LoggingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Finishes published batches on a thread of its own, in the order they were handed over: waits until Kafka
 * acknowledged every record of a batch, then runs the batch's commit (which marks its records processed for
 * Debezium). So the engine's thread converts and sends the next batch while Kafka acknowledges the last one,
 * and no position is committed before its changes, or the changes of an earlier batch, are in Kafka.
 *
 * <p>At most {@code maxInFlight} batches wait; {@link #submit} blocks beyond that. The first failed batch
 * stops it: neither that batch nor any later one is committed, {@link #failure()} reports the error and the
 * failure hook is called once (capture stops the engine).
 */
final class BatchAcknowledger {
    private static final Logger LOG = LoggerFactory.getLogger(BatchAcknowledger.class);

    /** One batch on its way: its sends' acknowledgement and what to run once they are all in. */
    interface Pending {
        /**
         * Waits for Kafka's acknowledgement of every record of the batch.
         *
         * @throws Exception the first send error, or a timeout
         */
        void awaitAcknowledged(Duration timeout) throws Exception;

        /** Commits the batch (marks its records processed); called only after {@link #awaitAcknowledged}. */
        void commit() throws InterruptedException;
    }

    private final String migration;
    private final int maxInFlight;
    private final Duration ackTimeout;
    private final Consumer<Throwable> onFailure;
    private final Deque<Pending> queue = new ArrayDeque<>();
    private final Thread thread;
    private boolean working;
    private boolean stopped;
    private volatile Throwable failure;

    BatchAcknowledger(String migration, int maxInFlight, Duration ackTimeout, Consumer<Throwable> onFailure) {
        this.migration = migration;
        this.maxInFlight = maxInFlight;
        this.ackTimeout = ackTimeout;
        this.onFailure = onFailure;
        this.thread = new Thread(this::run, "shardshift-capture-ack-" + migration);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues a batch behind the ones already waiting.
     *
     * @throws IllegalStateException when an earlier batch failed (nothing after it is committed) or after {@link #stop}
     */
    synchronized void submit(Pending batch) throws InterruptedException {
        while (queue.size() >= maxInFlight && failure == null && !stopped) {
            wait();
        }
        throwIfFailed();
        if (stopped) {
            throw new IllegalStateException("capture of migration " + migration + " is stopping: batch not accepted");
        }
        queue.addLast(batch);
        notifyAll();
    }

    /**
     * Waits until every queued batch is committed (or one failed).
     *
     * @return whether all were committed within the timeout
     */
    synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((!queue.isEmpty() || working) && failure == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return failure == null;
    }

    /** The error that stopped acknowledging, if any. */
    Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Throws the error of a failed batch, if any. */
    void throwIfFailed() {
        Throwable f = failure;
        if (f != null) {
            throw new IllegalStateException(f.getMessage(), f);
        }
    }

    /** Stops the thread; batches still queued are not committed (their positions are published again later). */
    void stop() {
        synchronized (this) {
            stopped = true;
            notifyAll();
        }
        thread.interrupt();
    }

    private void run() {
        try (LoggingContext.Scope ignored = LoggingContext.forMigration(migration).with(LoggingContext.PHASE, "capture")) {
            while (true) {
                Pending next = take();
                if (next == null) {
                    return;
                }
                try {
                    next.awaitAcknowledged(ackTimeout);
                    next.commit();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    fail(e);
                    return;
                } finally {
                    synchronized (this) {
                        working = false;
                        notifyAll();
                    }
                }
            }
        }
    }

    private synchronized Pending take() {
        while (queue.isEmpty() && !stopped) {
            try {
                wait();
            } catch (InterruptedException e) {
                return null;
            }
        }
        if (stopped) {
            return null;
        }
        working = true;
        Pending next = queue.pollFirst();
        notifyAll();
        return next;
    }

    private void fail(Exception e) {
        synchronized (this) {
            failure = e;
            queue.clear();
            notifyAll();
        }
        LOG.error("capture of migration {}: a batch was not acknowledged by Kafka, nothing from it on is committed: {}",
                migration, e.getMessage(), e);
        onFailure.accept(e);
    }
}
