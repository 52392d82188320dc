package io.shardshift.cutover;

import java.util.List;

/**
 * What a cutover or rollback did. In JSON the kind and the failed step are their wire names, e.g.
 * {@code {"id":"cutover-1700000000000","kind":"cutover","outcome":"ABORTED",...,"failedStep":"drain",...}}.
 *
 * @param id             the cutover's id (in every audit entry)
 * @param kind           cutover or rollback
 * @param outcome        completed, completed with warnings (live, but a step after the commit failed), or aborted
 * @param fromGeneration the generation live before
 * @param toGeneration   the generation live after a success
 * @param fenceLsn       the fence LSN recorded under the freeze (0 if not reached)
 * @param pauseMillis    from freeze to unfreeze (0 if never frozen)
 * @param failedStep     the step that aborted (or, with warnings, the first step that failed after the commit), or null
 * @param reason         why it aborted (or the warnings), or null
 * @param gates          the last gate results
 */
public record CutoverResult(String id, SwitchKind kind, Outcome outcome, long fromGeneration, long toGeneration,
                            long fenceLsn, long pauseMillis, SwitchStep failedStep, String reason,
                            List<Gate.GateResult> gates) {

    /**
     * How a switch ended. {@code COMPLETED_WITH_WARNINGS}: the source committed the switch, so the new generation is
     * live, but a later step (publishing the generation, the alias swap, the observation window, the unfreeze) still
     * failed after its retries; the reason names them, and a controller started again reconciles them.
     */
    public enum Outcome { COMPLETED, COMPLETED_WITH_WARNINGS, ABORTED }

    /** Whether the new generation went live (possibly with warnings). */
    public boolean completed() {
        return outcome != Outcome.ABORTED;
    }
}
