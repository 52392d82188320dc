package io.shardshift.migrator.cutover;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** The standard cutover gates. */
public final class Gates {
    private Gates() {
    }

    /** Passes while no record went to the dead-letter topic: a dead letter blocks cutover. */
    public static Gate noDeadLetters(LongSupplier deadLetters) {
        return () -> {
            long n = deadLetters.getAsLong();
            return n == 0 ? Gate.GateResult.pass("no-dead-letters", "0 dead-letter records")
                    : Gate.GateResult.fail("no-dead-letters", n + " dead-letter records");
        };
    }

    /** Passes when the verifier reports the targets clean (the verifier itself is pluggable). */
    public static Gate verification(BooleanSupplier clean) {
        return () -> clean.getAsBoolean() ? Gate.GateResult.pass("verification", "clean")
                : Gate.GateResult.fail("verification", "the verifier reports differences");
    }

    /**
     * One SLO probe reading on the new targets.
     *
     * @param p95Millis query latency p95
     * @param errorRate errors / queries, 0..1
     */
    public record SloSample(double p95Millis, double errorRate) {
    }

    /** Passes when the probe's p95 and error rate are within bounds. */
    public static Gate slo(Supplier<SloSample> probe, double maxP95Millis, double maxErrorRate) {
        return () -> {
            SloSample s = probe.get();
            String detail = "p95 " + s.p95Millis() + " ms (max " + maxP95Millis + "), error rate " + s.errorRate()
                    + " (max " + maxErrorRate + ")";
            return s.p95Millis() <= maxP95Millis && s.errorRate() <= maxErrorRate
                    ? Gate.GateResult.pass("slo", detail) : Gate.GateResult.fail("slo", detail);
        };
    }
}
