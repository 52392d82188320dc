package io.shardshift.engine.rate;

import io.shardshift.cdc.BackfillPacer;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The backfill's pacer: a token bucket refilled at the rate the {@link RateGuard} sets (rows per second),
 * holding at most a fifth of a second of rows. A reader asking for rows takes them while the bucket is not
 * empty (it may go into debt by one request) and otherwise sleeps, in short slices so a new rate applies at
 * once. It also sums what the readers report, for the guard: rows granted and the source's read time.
 */
public final class TokenBucket implements BackfillPacer {
    private static final long SLICE_MILLIS = 50;
    private static final double BURST_SECONDS = 0.2;

    private final LongSupplier nanoClock;
    private double rate = Double.POSITIVE_INFINITY;
    private double tokens;
    private long lastNanos;
    private final LongAdder granted = new LongAdder();
    private final LongAdder sourceNanos = new LongAdder();
    private final LongAdder sourceRows = new LongAdder();

    /** A bucket with no limit until {@link #setRate(double)}, on {@link System#nanoTime()}. */
    public TokenBucket() {
        this(System::nanoTime);
    }

    TokenBucket(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.lastNanos = nanoClock.getAsLong();
    }

    /** Sets the rate in rows per second; {@link Double#POSITIVE_INFINITY} for no limit. */
    public synchronized void setRate(double rowsPerSecond) {
        refill();
        rate = rowsPerSecond;
        tokens = Math.min(tokens, burst());
    }

    /** The rate in rows per second. */
    public synchronized double rate() {
        return rate;
    }

    @Override
    public void acquire(int rows) throws InterruptedException {
        while (true) {
            long waitMillis;
            synchronized (this) {
                if (Double.isInfinite(rate)) {
                    break;
                }
                refill();
                if (tokens > 0) {
                    tokens -= rows;
                    break;
                }
                waitMillis = (long) Math.ceil(-tokens / rate * 1000.0);
            }
            Thread.sleep(Math.max(1, Math.min(SLICE_MILLIS, waitMillis)));
        }
        granted.add(rows);
    }

    @Override
    public void sourceRead(long nanos, int rows) {
        sourceNanos.add(nanos);
        sourceRows.add(rows);
    }

    /** Rows granted since the start. */
    public long granted() {
        return granted.sum();
    }

    /** The source's read time and rows since the last call, as {nanos, rows}; resets both. */
    long[] drainSourceReads() {
        return new long[] {sourceNanos.sumThenReset(), sourceRows.sumThenReset()};
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        if (!Double.isInfinite(rate)) {
            tokens = Math.min(burst(), tokens + (now - lastNanos) / 1e9 * rate);
        }
        lastNanos = now;
    }

    private double burst() {
        return Double.isInfinite(rate) ? 0 : Math.max(1, rate * BURST_SECONDS);
    }
}
