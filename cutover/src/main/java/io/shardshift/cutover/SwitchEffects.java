package io.shardshift.cutover;

import java.time.Instant;
import java.util.Map;

/**
 * The side effects of one {@link LayoutSwitch} run: the source freeze, the drain, the config topic, the
 * targets, the search alias, the observation window and the audit trail. One instance per run, since it holds
 * the run's source connection and target locks. {@link LiveSwitchEffects} is the real one; tests record the
 * calls instead.
 */
interface SwitchEffects {

    /** Opens the source connection used for the freeze (outside the pause). */
    void openSource() throws Exception;

    /** Starts the reverse log on every target (cutover, outside the pause). */
    void startReverseLog() throws Exception;

    /** Publishes {@code writes.frozen} on the config topic. */
    void publishFreeze(boolean frozen, String reason);

    /** Locks the source tables against writes (waits for in-flight writes up to the freeze timeout). */
    void lockSource() throws Exception;

    /** The fence LSN, read under the lock. */
    long fenceLsn() throws Exception;

    /** Waits until every target applied up to {@code fence} (up to the drain timeout). */
    void awaitApplied(long fence) throws Exception;

    /**
     * Makes every target's unique indexes unique (idempotent).
     *
     * @throws IllegalStateException naming every key value that rows of a target share (the indexes stay non-unique)
     */
    void enforceUniqueIndexes();

    /** Makes every target's unique indexes non-unique stand-ins again (idempotent). */
    void relaxUniqueIndexes();

    /**
     * Opens a repeatable-read snapshot on every target, after the drain while writes are frozen: the targets' state at
     * the fence, held for {@link #writeManifest}.
     */
    void holdFenceSnapshot() throws Exception;

    /**
     * Reads the integrity manifest from the held snapshot, writes it beside the audit file and records it in the
     * audit trail, then ends the snapshot.
     */
    void writeManifest(String id, long generation, long fence) throws Exception;

    /** Ends the held snapshot, if any (after an abort). */
    void dropFenceSnapshot();

    /** Records the observation window on the source and makes the source reject writes of the moved rows. */
    void rejectWritesOnSource(long generation, Instant observeUntil) throws Exception;

    /** Makes the source accept writes again (rollback, in the source transaction). */
    void allowWritesOnSource() throws Exception;

    /**
     * Locks the targets and copies their remaining writes back to the source, in the source transaction, which
     * also records the observation ended by this rollback with its targets still to release; the number of writes
     * copied.
     */
    long copyBack(long fence, long generation) throws Exception;

    /** Publishes {@code routing.generation}. */
    void publishGeneration(long generation, long previous, String reason);

    /** Points the search alias at the collection of {@code to}. */
    void swapAlias(long from, long to) throws Exception;

    /**
     * Commits and closes the source transaction: what the switch recorded there (reject trigger and observation
     * record, or their removal) becomes durable. The switch's point of no return.
     */
    void commitSource() throws Exception;

    /**
     * After a committed rollback: commits the target transactions (reverse log stopped, fences restored, application
     * writes rejected) and closes them, then records the release on the source. When no target is locked (a retry,
     * or a controller started after a crash) it locks them again and copies what their logs still hold first.
     * Idempotent.
     */
    void releaseTargets(long fence, long to) throws Exception;

    /** Opens the observation window of a cutover to {@code generation}. */
    void openObservation(long generation, Instant until);

    /** Closes the observation window after a completed rollback. */
    void closeObservationByRollback();

    /** After a failure before the commit: rolls the target transactions back, if any are open, and closes them. */
    void releaseTargetsAfterAbort();

    /** After a failure: rolls the source transaction back and closes its connection, if it was opened. */
    void abortSource();

    /** After a failed cutover: removes the reverse log triggers from the targets (failures are logged). */
    void stopReverseLog(String id);

    /** Appends an entry to the audit trail. */
    void audit(String entry, Map<String, Object> details);
}
