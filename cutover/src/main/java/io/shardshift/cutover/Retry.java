package io.shardshift.cutover;

import java.time.Duration;

/**
 * Bounded retries with exponential backoff for the idempotent steps after a switch's commit (publishing the
 * generation or the unfreeze, swapping the alias): {@code attempts} tries, waiting {@code first}, then twice as
 * long each time up to {@code cap}. The last failure is thrown.
 *
 * @param attempts how many tries in all (at least 1)
 * @param first    the wait after the first failure
 * @param cap      the longest wait
 */
record Retry(int attempts, Duration first, Duration cap) {
    /** 5 tries over about 7 s: what the live switch uses. */
    static final Retry DEFAULT = new Retry(5, Duration.ofMillis(250), Duration.ofSeconds(4));
    /** A single try (tests that count calls). */
    static final Retry ONCE = new Retry(1, Duration.ZERO, Duration.ZERO);

    Retry {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
    }

    /** Runs {@code action} until it succeeds or the attempts are used up. */
    void run(SwitchRun.Action action) throws Exception {
        Duration wait = first;
        for (int attempt = 1; ; attempt++) {
            try {
                action.run();
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (attempt >= attempts) {
                    throw e;
                }
                Thread.sleep(wait.toMillis());
                wait = wait.multipliedBy(2).compareTo(cap) > 0 ? cap : wait.multipliedBy(2);
            }
        }
    }
}
