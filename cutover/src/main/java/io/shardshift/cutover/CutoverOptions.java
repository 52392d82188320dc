package io.shardshift.cutover;

import io.shardshift.core.spec.CutoverSpec;
import io.shardshift.core.spec.SpecDefaults;

import java.time.Duration;
import java.util.List;

/**
 * How a cutover decides and how long each step may take. Any step that exceeds its time aborts the
 * cutover: writes are unfrozen and the old layout stays live.
 *
 * @param maxLagMillis      apply lag bound (ms) the targets must stay under...
 * @param stableFor         ...for this long before the freeze
 * @param gateTimeout       how long to wait for the gates (lag stable and every extra gate passing)
 * @param freezeTimeout     how long to wait for the source lock (in-flight write transactions must finish)
 * @param drainTimeout      how long to wait, frozen, until every target has applied up to the fence
 * @param publishTimeout    how long a config topic write may take
 * @param gates             extra gates: no dead letters, verification, SLO probe...
 * @param aliasSwap         the search alias swap (a hook; {@link AliasSwap#NONE} when there is no search part)
 * @param observationWindow how long after a cutover writes to the new layout are copied back to the old one
 *                          (reverse replication); a rollback after it is refused
 */
public record CutoverOptions(long maxLagMillis, Duration stableFor, Duration gateTimeout, Duration freezeTimeout,
                             Duration drainTimeout, Duration publishTimeout, List<Gate> gates, AliasSwap aliasSwap,
                             Duration observationWindow) {

    /**
     * Checks the invariants of the value (also for options set in code with the {@code with...} methods); the
     * spec's rules and defaults are {@code SpecValidator}'s and {@link SpecDefaults}'.
     */
    public CutoverOptions {
        if (maxLagMillis < 0) {
            throw new IllegalArgumentException("cutover.maxLagMillis must be >= 0, was " + maxLagMillis);
        }
        requirePositive(stableFor, "cutover.stableFor", true);
        requirePositive(gateTimeout, "cutover.gateTimeout", false);
        requirePositive(freezeTimeout, "cutover.freezeTimeout", false);
        requirePositive(drainTimeout, "cutover.drainTimeout", false);
        requirePositive(publishTimeout, "cutover.publishTimeout", false);
        requirePositive(observationWindow, "cutover.observationWindow", true);
        gates = gates == null ? List.of() : List.copyOf(gates);
        aliasSwap = aliasSwap == null ? AliasSwap.NONE : aliasSwap;
    }

    private static void requirePositive(Duration d, String field, boolean zeroAllowed) {
        if (d == null || d.isNegative() || (!zeroAllowed && d.isZero())) {
            throw new IllegalArgumentException(field + " must be " + (zeroAllowed ? "at least 0" : "positive")
                    + ", was " + d);
        }
    }

    /** The defaults of the spec's {@code cutover} section ({@link SpecDefaults}), with no extra gates. */
    public static CutoverOptions defaults() {
        return from(CutoverSpec.defaults());
    }

    /** The options a spec's {@code cutover} section gives (gates and alias swap are added by the caller). */
    public static CutoverOptions from(CutoverSpec spec) {
        return new CutoverOptions(spec.maxLagMillisOrDefault(), spec.stableForOrDefault(), spec.gateTimeoutOrDefault(),
                spec.freezeTimeoutOrDefault(), spec.drainTimeoutOrDefault(), SpecDefaults.CUTOVER_PUBLISH_TIMEOUT, List.of(),
                AliasSwap.NONE, spec.observationWindowOrDefault());
    }

    public CutoverOptions withGates(List<Gate> newGates) {
        return new CutoverOptions(maxLagMillis, stableFor, gateTimeout, freezeTimeout, drainTimeout, publishTimeout,
                newGates, aliasSwap, observationWindow);
    }

    public CutoverOptions withMaxLagMillis(long max) {
        return new CutoverOptions(max, stableFor, gateTimeout, freezeTimeout, drainTimeout, publishTimeout, gates,
                aliasSwap, observationWindow);
    }

    public CutoverOptions withStableFor(Duration d) {
        return new CutoverOptions(maxLagMillis, d, gateTimeout, freezeTimeout, drainTimeout, publishTimeout, gates,
                aliasSwap, observationWindow);
    }

    public CutoverOptions withDrainTimeout(Duration d) {
        return new CutoverOptions(maxLagMillis, stableFor, gateTimeout, freezeTimeout, d, publishTimeout, gates,
                aliasSwap, observationWindow);
    }

    public CutoverOptions withGateTimeout(Duration d) {
        return new CutoverOptions(maxLagMillis, stableFor, d, freezeTimeout, drainTimeout, publishTimeout, gates,
                aliasSwap, observationWindow);
    }

    public CutoverOptions withFreezeTimeout(Duration d) {
        return new CutoverOptions(maxLagMillis, stableFor, gateTimeout, d, drainTimeout, publishTimeout, gates,
                aliasSwap, observationWindow);
    }

    public CutoverOptions withAliasSwap(AliasSwap swap) {
        return new CutoverOptions(maxLagMillis, stableFor, gateTimeout, freezeTimeout, drainTimeout, publishTimeout,
                gates, swap, observationWindow);
    }

    public CutoverOptions withObservationWindow(Duration d) {
        return new CutoverOptions(maxLagMillis, stableFor, gateTimeout, freezeTimeout, drainTimeout, publishTimeout,
                gates, aliasSwap, d);
    }

    /** Points the search alias at the collection of a generation; called during the freeze, after the flip. */
    @FunctionalInterface
    public interface AliasSwap {
        /** No search part in this migration. */
        AliasSwap NONE = (from, to) -> { };

        void swap(long fromGeneration, long toGeneration) throws Exception;
    }
}
