package io.shardshift.core.sink;

import java.time.Duration;
import java.util.Objects;

/**
 * How long and how often apply tries a target that cannot be reached: capped exponential backoff between
 * tries ({@code initial}, doubled per try, at most {@code maxBackoff}) until the outage has lasted longer
 * than {@code giveUp}; then the migrator stops with a message naming the target and how long it waited.
 *
 * <pre>{@code
 * OutagePolicy p = new OutagePolicy(Duration.ofMinutes(30), Duration.ofMillis(250), Duration.ofSeconds(5));
 * p.delayMillis(1);   // 250
 * p.delayMillis(6);   // 5000 (capped)
 * p.givesUp(Duration.ofMinutes(31).toMillis());   // true
 * }</pre>
 *
 * @param giveUp     how long an outage may last before apply stops
 * @param initial    the pause before the second try
 * @param maxBackoff the longest pause between two tries
 */
public record OutagePolicy(Duration giveUp, Duration initial, Duration maxBackoff) {
    /** The first pause when none is given. */
    public static final Duration INITIAL = Duration.ofMillis(250);

    public OutagePolicy {
        Objects.requireNonNull(giveUp, "giveUp");
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (giveUp.isNegative() || initial.isNegative() || initial.isZero() || maxBackoff.compareTo(initial) < 0) {
            throw new IllegalArgumentException("outage policy needs giveUp >= 0 and 0 < initial <= maxBackoff, was "
                    + giveUp + ", " + initial + ", " + maxBackoff);
        }
    }

    /** A policy that gives up after {@code giveUp}, pausing {@link #INITIAL} first and at most {@code maxBackoff}. */
    public static OutagePolicy of(Duration giveUp, Duration maxBackoff) {
        return new OutagePolicy(giveUp, INITIAL.compareTo(maxBackoff) <= 0 ? INITIAL : maxBackoff, maxBackoff);
    }

    /** The pause after failed try number {@code attempt} (1-based): {@code initial * 2^(attempt-1)}, capped. */
    public long delayMillis(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        long initialMillis = initial.toMillis();
        long delay = initialMillis << shift;
        return delay < initialMillis ? maxBackoff.toMillis() : Math.min(maxBackoff.toMillis(), delay);
    }

    /** Whether an outage that has lasted {@code waitedMillis} so far is one to give up on. */
    public boolean givesUp(long waitedMillis) {
        return waitedMillis > giveUp.toMillis();
    }
}
