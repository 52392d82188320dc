package io.shardshift.cutover;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A step of a cutover or rollback, as named in {@link CutoverResult#failedStep()} (an aborted switch says
 * where it stopped) and in the audit trail's {@code abort} entry. Written as its wire name, e.g.
 * {@code {"failedStep":"drain"}}.
 *
 * <p>A cutover runs {@code precheck, gates, prepare, freeze, fence, drain, reverse-log, flip, alias, release,
 * unfreeze}; a rollback {@code precheck, prepare, freeze, fence, copy-back, flip, alias, release, unfreeze}.
 */
public enum SwitchStep {
    /** Nothing to switch: the generation is live already, or the rollback is refused. */
    PRECHECK("precheck"),
    /** The gates (lag, dead letters, the extra gates) did not pass in time. */
    GATES("gates"),
    /** Connections opened, and on a cutover the reverse log started, before the pause. */
    PREPARE("prepare"),
    /** {@code writes.frozen} published, the source tables locked. */
    FREEZE("freeze"),
    /** The fence LSN recorded under the lock (on a rollback, the source accepts writes again). */
    FENCE("fence"),
    /** Every target applies up to the fence (cutover). */
    DRAIN("drain"),
    /** The observation window recorded and the source rejecting writes of the moved rows (cutover). */
    REVERSE_LOG("reverse-log"),
    /** The targets locked and their remaining writes copied back to the source (rollback). */
    COPY_BACK("copy-back"),
    /** {@code routing.generation} published. */
    FLIP("flip"),
    /** The search alias swapped. */
    ALIAS("alias"),
    /** The source transaction committed, the target locks released; the new generation is live. */
    RELEASE("release"),
    /** {@code writes.frozen} cleared. */
    UNFREEZE("unfreeze");

    private final String wireName;

    SwitchStep(String wireName) {
        this.wireName = wireName;
    }

    /** The name in JSON, the audit trail and messages. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
