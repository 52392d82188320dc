package io.shardshift.cutover;

import io.shardshift.client.shadow.ShadowRecord;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** The standard cutover gates. */
public final class Gates {
    private Gates() {
    }

    /** Passes while no record went to the dead-letter topic: a dead letter blocks cutover. */
    public static Gate noDeadLetters(LongSupplier deadLetters) {
        return Gate.named("no-dead-letters", () -> {
            long n = deadLetters.getAsLong();
            return n == 0 ? Gate.GateResult.pass("no-dead-letters", "0 dead-letter records")
                    : Gate.GateResult.fail("no-dead-letters", n + " dead-letter records");
        });
    }

    /** Passes while no table is paused by a source schema change: its changes are held, so it is behind. */
    public static Gate noPausedTables(Supplier<List<String>> paused) {
        return Gate.named("no-paused-tables", () -> {
            List<String> tables = paused.get();
            return tables.isEmpty() ? Gate.GateResult.pass("no-paused-tables", "no table paused")
                    : Gate.GateResult.fail("no-paused-tables", String.join("; ", tables));
        });
    }

    /** Passes when the verifier reports the targets clean (the verifier itself is pluggable). */
    public static Gate verification(BooleanSupplier clean) {
        return Gate.named("verification", () -> clean.getAsBoolean() ? Gate.GateResult.pass("verification", "clean")
                : Gate.GateResult.fail("verification", "the verifier reports differences"));
    }

    /**
     * One SLO probe reading on the new targets: the worst target's figures.
     *
     * @param p95Millis   query latency p95 of the target with the worst p95
     * @param errorRate   the highest errors / queries of any target, 0..1
     * @param worstTarget the target (PostgreSQL target or search target) with the worst p95, or null
     */
    public record SloSample(double p95Millis, double errorRate, String worstTarget) {
        public SloSample(double p95Millis, double errorRate) {
            this(p95Millis, errorRate, null);
        }
    }

    /** Passes when the probe's p95 and error rate are within bounds; the detail names the worst target. */
    public static Gate slo(Supplier<SloSample> probe, double maxP95Millis, double maxErrorRate) {
        return Gate.named("slo", () -> {
            SloSample s = probe.get();
            String detail = (s.worstTarget() == null ? "" : "worst p95 on " + s.worstTarget() + ": ")
                    + String.format(java.util.Locale.ROOT, "p95 %.3f ms (max %s), error rate %.4f (max %s)",
                    s.p95Millis(), maxP95Millis, s.errorRate(), maxErrorRate);
            return s.p95Millis() <= maxP95Millis && s.errorRate() <= maxErrorRate
                    ? Gate.GateResult.pass("slo", detail) : Gate.GateResult.fail("slo", detail);
        });
    }

    /**
     * Passes when the shadow reads of the window number at least {@code minReads} and their mismatch rate
     * ((mismatches + errors) / reads) is at most {@code maxMismatchRate}; the detail names the counts and the latest
     * mismatch.
     */
    public static Gate shadowReads(Supplier<ShadowAgreement.Counts> counts, int minReads, double maxMismatchRate) {
        return Gate.named("shadow-reads", () -> {
            ShadowAgreement.Counts c = counts.get();
            String detail = String.format(java.util.Locale.ROOT,
                    "%d shadow reads in the last %s (min %d): %d agree, %d mismatch, %d error, %d explained by lag;"
                            + " mismatch rate %.4f (max %s)", c.reads(), c.window(), minReads, c.agree(), c.mismatch(),
                    c.error(), c.explainedByLag(), c.mismatchRate(), maxMismatchRate);
            if (c.lastMismatch() != null) {
                detail += "; latest " + c.lastMismatch().outcome() + ": " + c.lastMismatch().table() + " "
                        + c.lastMismatch().query() + ": " + ShadowRecord.truncate(String.valueOf(c.lastMismatch().detail()), 200);
            }
            return c.reads() >= minReads && c.mismatchRate() <= maxMismatchRate
                    ? Gate.GateResult.pass("shadow-reads", detail) : Gate.GateResult.fail("shadow-reads", detail);
        });
    }
}
