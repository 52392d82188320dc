package io.shardshift.core.spec;

import java.time.Duration;

/**
 * How a migration cuts over. Every field is optional; durations are written {@code 500ms}, {@code 5s},
 * {@code 2m}, {@code 1h} or ISO-8601 ({@code PT5S}).
 *
 * <pre>{@code
 * cutover:
 *   auto: true                 # cut over by itself once every gate passes
 *   maxLagMillis: 1000         # apply lag bound...
 *   stableFor: 5s              # ...held for this long
 *   observationWindow: 30m     # reverse replication keeps the old layout current this long
 *   slo: {maxP95Millis: 50, maxErrorRate: 0.01}
 *   shadowReads: {minReads: 500, maxMismatchRate: 0.001, window: 10m}
 * }</pre>
 *
 * @param auto              cut over automatically when the gates pass, default false (an operator starts it)
 * @param maxLagMillis      the apply lag bound of the lag gate, default 1000
 * @param stableFor         how long the lag must stay under its bound, default 5s
 * @param gateTimeout       how long a cutover waits for its gates, default 2m
 * @param freezeTimeout     how long the freeze waits for in-flight write transactions, default 5s
 * @param drainTimeout      how long the frozen cutover waits for the targets to reach the fence, default 10s
 * @param observationWindow how long after a cutover the old layout is kept current (reverse replication) so
 *                          a rollback loses nothing, default 30m; a rollback after it is refused
 * @param verify            whether a clean online verification is a gate, default true
 * @param slo               the SLO probe on the new targets, optional (no SLO gate without it)
 * @param shadowReads       the shadow-read gate, optional (no shadow-read gate without it)
 */
public record CutoverSpec(Boolean auto, Long maxLagMillis, String stableFor, String gateTimeout, String freezeTimeout,
                          String drainTimeout, String observationWindow, Boolean verify, SloSpec slo,
                          ShadowReadsSpec shadowReads) {

    /** Without a shadow-read gate. */
    public CutoverSpec(Boolean auto, Long maxLagMillis, String stableFor, String gateTimeout, String freezeTimeout,
                       String drainTimeout, String observationWindow, Boolean verify, SloSpec slo) {
        this(auto, maxLagMillis, stableFor, gateTimeout, freezeTimeout, drainTimeout, observationWindow, verify, slo, null);
    }

    /** All defaults. */
    public static CutoverSpec defaults() {
        return new CutoverSpec(null, null, null, null, null, null, null, null, null, null);
    }

    public boolean autoOrDefault() {
        return auto == null ? SpecDefaults.CUTOVER_AUTO : auto;
    }

    public long maxLagMillisOrDefault() {
        return maxLagMillis == null ? SpecDefaults.CUTOVER_MAX_LAG_MILLIS : maxLagMillis;
    }

    public Duration stableForOrDefault() {
        return Durations.parse(stableFor, "cutover.stableFor", SpecDefaults.CUTOVER_STABLE_FOR);
    }

    public Duration gateTimeoutOrDefault() {
        return Durations.parse(gateTimeout, "cutover.gateTimeout", SpecDefaults.CUTOVER_GATE_TIMEOUT);
    }

    public Duration freezeTimeoutOrDefault() {
        return Durations.parse(freezeTimeout, "cutover.freezeTimeout", SpecDefaults.CUTOVER_FREEZE_TIMEOUT);
    }

    public Duration drainTimeoutOrDefault() {
        return Durations.parse(drainTimeout, "cutover.drainTimeout", SpecDefaults.CUTOVER_DRAIN_TIMEOUT);
    }

    public Duration observationWindowOrDefault() {
        return Durations.parse(observationWindow, "cutover.observationWindow", SpecDefaults.CUTOVER_OBSERVATION_WINDOW);
    }

    public boolean verifyOrDefault() {
        return verify == null ? SpecDefaults.CUTOVER_VERIFY : verify;
    }

    /**
     * The SLO probe: sample reads by primary key on each new PostgreSQL target (and queries on each new
     * search collection) just before the freeze.
     *
     * @param maxP95Millis query latency p95 bound, default 100
     * @param maxErrorRate failed / sampled queries bound (0..1), default 0.01
     * @param samples      queries per target, default 50
     */
    public record SloSpec(Double maxP95Millis, Double maxErrorRate, Integer samples) {
        public double maxP95MillisOrDefault() {
            return maxP95Millis == null ? SpecDefaults.SLO_MAX_P95_MILLIS : maxP95Millis;
        }

        public double maxErrorRateOrDefault() {
            return maxErrorRate == null ? SpecDefaults.SLO_MAX_ERROR_RATE : maxErrorRate;
        }

        public int samplesOrDefault() {
            return samples == null ? SpecDefaults.SLO_SAMPLES : samples;
        }
    }

    /**
     * The shadow-read gate: the agreement records on {@code <prefix>.shadow} (from applications' shadow reads and
     * {@code shardshift shadow replay}) of the last {@code window} must number at least {@code minReads}, with
     * (mismatches + errors) / reads at most {@code maxMismatchRate}.
     *
     * @param minReads        compared reads needed in the window, default 100
     * @param maxMismatchRate the bound of the mismatch rate (0..1), default 0
     * @param window          how far back records count, default 10m
     */
    public record ShadowReadsSpec(Integer minReads, Double maxMismatchRate, String window) {
        public int minReadsOrDefault() {
            return minReads == null ? SpecDefaults.SHADOW_MIN_READS : minReads;
        }

        public double maxMismatchRateOrDefault() {
            return maxMismatchRate == null ? SpecDefaults.SHADOW_MAX_MISMATCH_RATE : maxMismatchRate;
        }

        public Duration windowOrDefault() {
            return Durations.parse(window, "cutover.shadowReads.window", SpecDefaults.SHADOW_WINDOW);
        }
    }
}
