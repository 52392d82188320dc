package io.shardshift.sink.pg.internal;

import io.shardshift.core.sink.SinkException;

/** Exponential backoff between retries: {@code initial * 2^(attempt-1)}, capped. */
public record Backoff(long initialMillis, long maxMillis) {
    /** 200 ms, doubling, at most 10 s. */
    public static final Backoff DEFAULT = new Backoff(200, 10_000);

    /** The pause before retry number {@code attempt} (1-based). */
    public long delayMillis(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        return Math.min(maxMillis, initialMillis << shift);
    }

    /** Pauses before retry number {@code attempt}; an interrupt stops the retries. */
    public void pause(int attempt) {
        try {
            Thread.sleep(delayMillis(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkException("interrupted while waiting to retry", e);
        }
    }
}
