package io.shardshift.engine.rate;

import java.util.List;
import java.util.Map;

/**
 * What the backfill's rate guard sees at one tick: the health of the source, of each target and of the change
 * stream, and how fast the backfill actually read. A value of {@code -1} means unknown (no reading yet).
 *
 * @param lagMillis             the change stream's lag: the larger of apply's (commit-to-applied p99 of the
 *                              events applied in the tick, or, when none was applied while events wait, how long
 *                              apply has not moved) and capture's (the age of the oldest WAL marker it has not
 *                              handled); -1 when unknown
 * @param targetLagMillis       {@code apply.targetLag}
 * @param sourceMillisPer1k     the source's time to deliver 1,000 rows of a chunk, recent average; -1 unknown
 * @param sourceBaselinePer1k   the same at its best so far (the baseline); -1 unknown
 * @param standbyReplayLagMillis the largest {@code replay_lag} of the source's physical standbys
 *                              ({@code pg_stat_replication}); -1 when there is none or it is not reported
 * @param waitingTargets        the targets apply is waiting for (down, unreachable)
 * @param targetMillisPer1k     per target: the backfill writer's time to write 1,000 rows, recent average
 * @param targetBaselinePer1k   per target: the same at its best so far
 * @param observedRowsPerSecond rows the backfill read in the tick, per second
 */
public record RateSignals(long lagMillis, long targetLagMillis, double sourceMillisPer1k, double sourceBaselinePer1k,
                          long standbyReplayLagMillis, List<String> waitingTargets,
                          Map<String, Double> targetMillisPer1k, Map<String, Double> targetBaselinePer1k,
                          double observedRowsPerSecond) {

    public RateSignals {
        waitingTargets = List.copyOf(waitingTargets);
        targetMillisPer1k = Map.copyOf(targetMillisPer1k);
        targetBaselinePer1k = Map.copyOf(targetBaselinePer1k);
    }

    /** Signals with only the stream's lag and the observed rate known (the others healthy or absent). */
    public static RateSignals ofLag(long lagMillis, long targetLagMillis, double observedRowsPerSecond) {
        return new RateSignals(lagMillis, targetLagMillis, -1, -1, -1, List.of(), Map.of(), Map.of(),
                observedRowsPerSecond);
    }
}
