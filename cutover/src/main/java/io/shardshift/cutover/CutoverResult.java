package io.shardshift.cutover;

import java.util.List;

/**
 * What a cutover or rollback did. In JSON the kind and the failed step are their wire names, e.g.
 * {@code {"id":"cutover-1700000000000","kind":"cutover","outcome":"ABORTED",...,"failedStep":"drain",...}}.
 *
 * @param id             the cutover's id (in every audit entry)
 * @param kind           cutover or rollback
 * @param outcome        completed or aborted
 * @param fromGeneration the generation live before
 * @param toGeneration   the generation live after a success
 * @param fenceLsn       the fence LSN recorded under the freeze (0 if not reached)
 * @param pauseMillis    from freeze to unfreeze (0 if never frozen)
 * @param failedStep     the step that aborted, or null
 * @param reason         why it aborted, or null
 * @param gates          the last gate results
 */
public record CutoverResult(String id, SwitchKind kind, Outcome outcome, long fromGeneration, long toGeneration,
                            long fenceLsn, long pauseMillis, SwitchStep failedStep, String reason,
                            List<Gate.GateResult> gates) {

    /** Whether the new generation went live. */
    public enum Outcome { COMPLETED, ABORTED }

    public boolean completed() {
        return outcome == Outcome.COMPLETED;
    }
}
