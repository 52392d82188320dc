package io.shardshift.cutover;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A step of a cutover or rollback, as named in {@link CutoverResult#failedStep()} (an aborted switch says
 * where it stopped) and in the audit trail's {@code abort} entry. Written as its wire name, e.g.
 * {@code {"failedStep":"drain"}}.
 *
 * <p>A cutover runs {@code precheck, gates, prepare, freeze, fence, drain, unique-indexes, snapshot, reverse-log, commit,
 * flip, alias, release, unfreeze, manifest}; a rollback {@code precheck, prepare, freeze, fence, copy-back, commit, release, flip,
 * alias, unique-indexes, unfreeze}. {@code commit} is the switch's point of no return: a failure before it aborts and undoes, a failure
 * after it is retried and reported as a warning, never undone.
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
    /**
     * The targets' unique indexes made unique, after the drain (cutover; refused, and the cutover aborted, naming
     * the duplicated keys when rows share one), or non-unique stand-ins again (rollback).
     */
    UNIQUE_INDEXES("unique-indexes"),
    /**
     * The targets' state at the fence held in a repeatable-read snapshot for the integrity manifest (cutover). A
     * failure here does not abort: the cutover goes on and the {@code manifest} step reports it as a warning.
     */
    SNAPSHOT("snapshot"),
    /** The observation window recorded and the source rejecting writes of the moved rows (cutover). */
    REVERSE_LOG("reverse-log"),
    /** The targets locked and their remaining writes copied back to the source (rollback). */
    COPY_BACK("copy-back"),
    /** The source transaction committed: the source records which generation is live (the point of no return). */
    COMMIT("commit"),
    /** {@code routing.generation} published. */
    FLIP("flip"),
    /** The search alias swapped. */
    ALIAS("alias"),
    /** The observation window opened (cutover), or the target locks released and the window closed (rollback). */
    RELEASE("release"),
    /** {@code writes.frozen} cleared. */
    UNFREEZE("unfreeze"),
    /**
     * The integrity manifest read from the fence snapshot once writes resume, written beside the audit file and
     * recorded in the audit trail (cutover).
     */
    MANIFEST("manifest");

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
