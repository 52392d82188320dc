package io.shardshift.verify;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The last verify of a running migration, whoever ran it: the dashboard's "Verify now", or the cutover's
 * verification gate. One instance per migrator, shared by both, so the dashboard's Verification panel shows
 * the run the cutover gate made. Thread-safe.
 */
public final class VerifyRuns {
    /** Who ran a verify. */
    public enum By {
        /** {@code POST /v1/verify} (the dashboard's button or a script). */
        API("api"),
        /** The cutover's verification gate. */
        CUTOVER_GATE("cutover gate");

        private final String text;

        By(String text) {
            this.text = text;
        }

        /** As shown to people and in JSON, e.g. {@code "cutover gate"}. */
        public String text() {
            return text;
        }
    }

    /**
     * One finished verify.
     *
     * @param startedAt  when it started
     * @param finishedAt when it finished
     * @param repair     whether it repaired what differed
     * @param by         who ran it
     * @param report     what it found
     */
    public record Run(Instant startedAt, Instant finishedAt, boolean repair, By by, VerifyReport report) {
        public Run {
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(finishedAt, "finishedAt");
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(report, "report");
        }
    }

    private final AtomicReference<Run> last = new AtomicReference<>();

    /** Records a finished verify; the newest by finish time is kept. */
    public void record(Run run) {
        last.accumulateAndGet(run, (old, now) -> old == null || !now.finishedAt().isBefore(old.finishedAt()) ? now : old);
    }

    /** The last finished verify, if any ran. */
    public Optional<Run> last() {
        return Optional.ofNullable(last.get());
    }
}
