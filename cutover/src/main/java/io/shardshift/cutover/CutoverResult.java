package io.shardshift.cutover;

import java.util.List;

/**
 * What a cutover or rollback did.
 *
 * @param id             the cutover's id (in every audit entry)
 * @param kind           {@code cutover} or {@code rollback}
 * @param outcome        completed or aborted
 * @param fromGeneration the generation live before
 * @param toGeneration   the generation live after a success
 * @param fenceLsn       the fence LSN recorded under the freeze (0 if not reached)
 * @param pauseMillis    from freeze to unfreeze (0 if never frozen)
 * @param failedStep     the step that aborted, or null
 * @param reason         why it aborted, or null
 * @param gates          the last gate results
 */
public record CutoverResult(String id, String kind, Outcome outcome, long fromGeneration, long toGeneration,
                            long fenceLsn, long pauseMillis, String failedStep, String reason,
                            List<Gate.GateResult> gates) {

    /** Whether the new generation went live. */
    public enum Outcome { COMPLETED, ABORTED }

    public boolean completed() {
        return outcome == Outcome.COMPLETED;
    }
}
