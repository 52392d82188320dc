package io.shardshift.engine.rate;

import java.util.List;

/**
 * The backfill's rate guard as the status API, the metrics and the dashboard show it.
 *
 * @param active               whether a backfill is being paced now
 * @param rowsPerSecond        the current rate (rows per second the backfill may read)
 * @param maxRate              {@code apply.maxRate}, or -1 when unlimited
 * @param targetLagMillis      {@code apply.targetLag}
 * @param observedRowsPerSecond what the backfill read in the last tick, per second
 * @param limitingSignal       the signal that limits the rate now ({@link RateDecision#LAG}, ...), or
 *                             {@link RateDecision#NONE}
 * @param detail               why, for a person
 * @param signals              the last tick's signals, or {@code null} before the first
 * @param decisions            the recent decisions that changed the rate or the limiting signal, oldest first
 * @param decreases            decreases since the start
 */
public record RateGuardStatus(boolean active, double rowsPerSecond, long maxRate, long targetLagMillis,
                              double observedRowsPerSecond, String limitingSignal, String detail,
                              RateSignals signals, List<RateDecision> decisions, long decreases) {
    public RateGuardStatus {
        decisions = List.copyOf(decisions);
    }
}
