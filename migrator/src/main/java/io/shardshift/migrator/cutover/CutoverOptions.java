package io.shardshift.migrator.cutover;

import java.time.Duration;
import java.util.List;

/**
 * How a cutover decides and how long each step may take. Any step that exceeds its time aborts the
 * cutover: writes are unfrozen and the old layout stays live.
 *
 * @param maxLagMillis  apply lag bound (ms) the targets must stay under...
 * @param stableFor     ...for this long before the freeze
 * @param gateTimeout   how long to wait for the gates (lag stable and every extra gate passing)
 * @param freezeTimeout how long to wait for the source lock (in-flight write transactions must finish)
 * @param drainTimeout  how long to wait, frozen, until every target has applied up to the fence
 * @param publishTimeout how long a config topic write may take
 * @param gates         extra gates: no dead letters, verification, SLO probe...
 * @param aliasSwap     the search alias swap (a hook; {@link AliasSwap#NONE} until search cutover is wired)
 */
public record CutoverOptions(long maxLagMillis, Duration stableFor, Duration gateTimeout, Duration freezeTimeout,
                             Duration drainTimeout, Duration publishTimeout, List<Gate> gates, AliasSwap aliasSwap) {

    public CutoverOptions {
        if (maxLagMillis < 0) {
            throw new IllegalArgumentException("cutover.maxLagMillis must be >= 0, was " + maxLagMillis);
        }
        gates = gates == null ? List.of() : List.copyOf(gates);
        aliasSwap = aliasSwap == null ? AliasSwap.NONE : aliasSwap;
    }

    /** Lag under 1 s for 5 s, gates within 2 min, lock within 5 s, drain within 10 s, no extra gates. */
    public static CutoverOptions defaults() {
        return new CutoverOptions(1000, Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofSeconds(10), List.of(), AliasSwap.NONE);
    }

    public CutoverOptions withGates(List<Gate> newGates) {
        return new CutoverOptions(maxLagMillis, stableFor, gateTimeout, freezeTimeout, drainTimeout, publishTimeout,
                newGates, aliasSwap);
    }

    public CutoverOptions withMaxLagMillis(long max) {
        return new CutoverOptions(max, stableFor, gateTimeout, freezeTimeout, drainTimeout, publishTimeout, gates, aliasSwap);
    }

    public CutoverOptions withStableFor(Duration d) {
        return new CutoverOptions(maxLagMillis, d, gateTimeout, freezeTimeout, drainTimeout, publishTimeout, gates, aliasSwap);
    }

    public CutoverOptions withDrainTimeout(Duration d) {
        return new CutoverOptions(maxLagMillis, stableFor, gateTimeout, freezeTimeout, d, publishTimeout, gates, aliasSwap);
    }

    public CutoverOptions withGateTimeout(Duration d) {
        return new CutoverOptions(maxLagMillis, stableFor, d, freezeTimeout, drainTimeout, publishTimeout, gates, aliasSwap);
    }

    public CutoverOptions withAliasSwap(AliasSwap swap) {
        return new CutoverOptions(maxLagMillis, stableFor, gateTimeout, freezeTimeout, drainTimeout, publishTimeout, gates, swap);
    }

    /** Points the search alias at the collection of a generation; called during the freeze, after the flip. */
    @FunctionalInterface
    public interface AliasSwap {
        /** No search part in this migration. */
        AliasSwap NONE = (from, to) -> { };

        void swap(long fromGeneration, long toGeneration) throws Exception;
    }
}
