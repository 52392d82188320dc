package io.shardshift.engine.topology;

import io.shardshift.core.sink.OutagePolicy;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.sink.TargetUnavailableException;
import io.shardshift.core.spec.Durations;
import io.shardshift.core.spec.Secrets;
import io.shardshift.core.spec.SpecDefaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Waits out the outages of targets for the apply topology, and tells which targets it is waiting for.
 *
 * <p>{@link #call} runs a write; while it throws {@link TargetUnavailableException} (the target is down,
 * refuses or drops connections, or does not answer in time) the same write is tried again after a pause
 * that doubles up to the policy's cap, until the outage has lasted longer than the policy's give-up; then
 * it throws a {@link SinkException} naming the target and how long apply waited. Other errors pass through
 * at once. While a target is being waited for, {@link #waiting()} shows it with the time of the first
 * failure and the last error; the first write that succeeds clears it and logs how long the outage lasted,
 * once. Thread-safe: every writer of every stream thread shares one instance.
 */
public final class TargetOutages {
    private static final Logger LOG = LoggerFactory.getLogger(TargetOutages.class);
    private static final long SLICE_MILLIS = 100;
    private static final int MAX_ERROR_CHARS = 300;

    /**
     * A target apply is waiting for.
     *
     * @param target      the target's name
     * @param sinceMillis when the outage was first seen (epoch ms)
     * @param lastError   the last error, one line, without credentials
     */
    public record Waiting(String target, long sinceMillis, String lastError) {
        /** E.g. {@code waiting for target pg_b since 2026-12-06T22:10:00Z (08001 Connection refused)}. */
        public String describe() {
            return "waiting for target " + target + " since " + Instant.ofEpochMilli(sinceMillis) + " (" + lastError + ")";
        }

        /** Seconds from {@code sinceMillis} to {@code nowMillis}, never negative. */
        public double secondsAt(long nowMillis) {
            return Math.max(0, nowMillis - sinceMillis) / 1000.0;
        }
    }

    /** Pauses the calling thread; tests give one that moves a fake clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final OutagePolicy policy;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    /** Waits by the wall clock. */
    public TargetOutages(OutagePolicy policy) {
        this(policy, System::currentTimeMillis, Thread::sleep);
    }

    public TargetOutages(OutagePolicy policy, LongSupplier clock, Sleeper sleeper) {
        this.policy = policy;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Waits up to {@code giveUp}, pausing at most {@link SpecDefaults#APPLY_OUTAGE_MAX_BACKOFF} between tries. */
    public static TargetOutages giveUpAfter(Duration giveUp) {
        return new TargetOutages(OutagePolicy.of(giveUp, SpecDefaults.APPLY_OUTAGE_MAX_BACKOFF));
    }

    /** The policy. */
    public OutagePolicy policy() {
        return policy;
    }

    /**
     * Runs the work, trying it again while the target is unavailable (see the class comment).
     *
     * @param target the target the work writes to
     * @throws SinkException when the outage outlasts the give-up, or apply is {@linkplain #stop() stopping}
     */
    public <T> T call(String target, Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            T result;
            try {
                result = work.get();
            } catch (TargetUnavailableException e) {
                Waiting w = record(target, e);
                long waited = clock.getAsLong() - w.sinceMillis();
                if (policy.givesUp(waited)) {
                    waiting.remove(target, w);
                    throw new SinkException("gave up waiting for target " + target + " after " + seconds(waited)
                            + " (apply.outageGiveUp is "
                            + Durations.format(policy.giveUp()) + "): " + oneLine(e.getMessage()), e);
                }
                pause(target, policy.delayMillis(attempt));
                continue;
            }
            recovered(target);
            return result;
        }
    }

    /** The targets apply is waiting for now, longest first. */
    public List<Waiting> waiting() {
        return waiting.values().stream().sorted(Comparator.comparingLong(Waiting::sinceMillis)).toList();
    }

    /** Whether apply is waiting for the target, and since when. */
    public Optional<Waiting> waiting(String target) {
        return Optional.ofNullable(waiting.get(target));
    }

    /** How long apply has been waiting for the target, in seconds; 0 when it is not waiting. */
    public double secondsWaiting(String target) {
        Waiting w = waiting.get(target);
        return w == null ? 0 : w.secondsAt(clock.getAsLong());
    }

    /** Ends every wait (now and later) with an error, so a stopping apply does not wait out an outage. */
    public void stop() {
        stopping = true;
    }

    /** Whether {@link #stop()} was called. */
    public boolean stopping() {
        return stopping;
    }

    private Waiting record(String target, TargetUnavailableException e) {
        String error = oneLine(e.getMessage());
        long now = clock.getAsLong();
        boolean[] started = new boolean[1];
        Waiting w = waiting.compute(target, (t, old) -> {
            started[0] = old == null;
            return new Waiting(t, old == null ? now : old.sinceMillis(), error);
        });
        if (started[0]) {
            LOG.warn("Apply is waiting for target {}: {}; trying again for up to {}", target, error,
                    Durations.format(policy.giveUp()));
        }
        return w;
    }

    private void recovered(String target) {
        Waiting w = waiting.remove(target);
        if (w != null) {
            LOG.info("Target {} is back after {} of waiting (since {})", target,
                    seconds(clock.getAsLong() - w.sinceMillis()), Instant.ofEpochMilli(w.sinceMillis()));
        }
    }

    /** Sleeps in slices so {@link #stop()} ends the pause soon. */
    private void pause(String target, long millis) {
        long left = millis;
        while (true) {
            if (stopping) {
                throw new ApplyStoppedException("apply is stopping while waiting for target " + target);
            }
            if (left <= 0) {
                return;
            }
            long slice = Math.min(SLICE_MILLIS, left);
            try {
                sleeper.sleep(slice);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApplyStoppedException("interrupted while waiting for target " + target);
            }
            left -= slice;
        }
    }

    /** Whole seconds as a spec writes them, e.g. {@code 20s}, {@code 31m}. */
    private static String seconds(long millis) {
        return Durations.format(Duration.ofSeconds(Math.round(Math.max(0, millis) / 1000.0)));
    }

    static String oneLine(String text) {
        String s = text == null ? "no message" : Secrets.maskCredentials(text).replaceAll("\\s+", " ").trim();
        return s.length() <= MAX_ERROR_CHARS ? s : s.substring(0, MAX_ERROR_CHARS - 3) + "...";
    }
}
