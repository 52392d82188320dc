package io.shardshift.engine.lag;

import io.shardshift.core.event.Lsn;
import io.shardshift.engine.topology.ApplyMetrics;

import java.util.Map;

/**
 * Lag of a migration at one moment, as a user reads it: how far the targets are behind the source.
 *
 * @param sourceWalLsn      the source's current WAL position ({@code pg_current_wal_lsn()})
 * @param capturedLsn       the highest source position capture has handled and published
 * @param kafkaLag          events on the change topics not yet applied, per topic-partition
 * @param targets           per target: events applied, highest LSN applied, latency percentiles
 * @param takenAtMillis     when this was taken
 */
public record LagSnapshot(long sourceWalLsn, long capturedLsn, Map<String, Long> kafkaLag,
                          Map<String, ApplyMetrics.TargetStats> targets, long takenAtMillis) {

    /** Events on the change topics not yet applied to every target. */
    public long kafkaLagTotal() {
        return kafkaLag.values().stream().mapToLong(Long::longValue).sum();
    }

    /** WAL bytes between the source's position and what capture has handled. */
    public long captureLagBytes() {
        return Math.max(0, sourceWalLsn - capturedLsn);
    }

    /**
     * How old the newest applied change of a target is when events are still waiting, else 0: with an empty
     * queue the target has everything that was committed.
     */
    public long lagMillis(String target) {
        ApplyMetrics.TargetStats s = targets.get(target);
        return s == null || kafkaLagTotal() == 0 ? 0 : s.lagMillis(takenAtMillis);
    }

    /** A one-line summary, e.g. {@code wal 0/3A0 captured 0/390 (16 B behind), kafka lag 12, p99 40 ms}. */
    public String summary() {
        long p99 = targets.values().stream().mapToLong(ApplyMetrics.TargetStats::p99LatencyMillis).max().orElse(0);
        return "wal " + Lsn.format(sourceWalLsn) + ", captured " + Lsn.format(capturedLsn) + " (" + captureLagBytes()
                + " B behind), kafka lag " + kafkaLagTotal() + " events, apply p99 " + p99 + " ms";
    }
}
