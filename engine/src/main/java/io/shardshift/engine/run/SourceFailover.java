package io.shardshift.engine.run;

import io.shardshift.cdc.SourceIdentity;

/**
 * A source failover the migrator found at start, what it did about it, and where the convergence of the targets
 * is. Shown in the status ({@code sourceFailover}) and written to the audit trail.
 *
 * <pre>{@code {"kind":"promoted-standby","detected":"the source moved from system 73.. timeline 1 to ... timeline 2
 *  and the slot shardshift_m is gone","action":"...","state":"converging",...}}</pre>
 *
 * @param kind                  {@link #PROMOTED_STANDBY} (same cluster, new timeline, slot gone),
 *                              {@link #SLOT_LOST} (same timeline, slot gone) or {@link #FAILOVER_SLOT_KEPT}
 *                              (PostgreSQL 17+: the failover slot survived the promotion)
 * @param detected              what was found, in words
 * @param action                what the migrator does about it, in words
 * @param previous              the source's identity recorded by the earlier run
 * @param current               the source's identity now
 * @param highestPositionBefore the highest source position the targets or the change topics held before the failover
 * @param resumedAfter          the new primary's WAL position the migrator moved to before creating the new slot
 *                              (every change from then on is newer than anything the targets hold); 0 when kept
 * @param state                 {@link #CONVERGING}, {@link #CONVERGED} or {@link #NOTHING_TO_CONVERGE}
 * @param result                the convergence's outcome (rows compared, repaired), or why it failed; empty before
 * @param detectedAtMillis      when the migrator found it
 */
public record SourceFailover(String kind, String detected, String action, SourceIdentity previous,
                             SourceIdentity current, long highestPositionBefore, long resumedAfter, String state,
                             String result, long detectedAtMillis) {
    public static final String PROMOTED_STANDBY = "promoted-standby";
    public static final String SLOT_LOST = "slot-lost";
    public static final String FAILOVER_SLOT_KEPT = "failover-slot-kept";
    /** The targets are being compared with the new primary and repaired. */
    public static final String CONVERGING = "converging";
    /** The targets hold exactly the new primary's rows (as of the convergence). */
    public static final String CONVERGED = "converged";
    /** The slot survived (failover slots), nothing was lost: no convergence needed. */
    public static final String NOTHING_TO_CONVERGE = "nothing-to-converge";
    /** The convergence failed; {@code result} says why, and the next start runs it again. */
    public static final String CONVERGE_FAILED = "converge-failed";

    /** Whether the targets must still be converged to the new primary. */
    public boolean needsConvergence() {
        return CONVERGING.equals(state) || CONVERGE_FAILED.equals(state);
    }

    /** This failover in another state. */
    public SourceFailover withState(String newState, String newResult) {
        return new SourceFailover(kind, detected, action, previous, current, highestPositionBefore, resumedAfter,
                newState, newResult, detectedAtMillis);
    }
}
