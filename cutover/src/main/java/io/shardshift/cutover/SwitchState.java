package io.shardshift.cutover;

import io.shardshift.cutover.internal.ReverseReplicator;

import java.util.Map;
import java.util.Optional;

/**
 * The places a switch changes, as {@link Reconciler} reads and repairs them: the source (which generation it says
 * is live: the reject trigger and the observation record a committed cutover leaves, and a committed rollback whose
 * targets are still to release), the targets (reverse log, unique indexes), the config topic
 * ({@code routing.generation}, {@code writes.frozen}) and the search alias. {@link LiveSwitchState} is the real one.
 */
interface SwitchState {

    /** The rollback the source committed whose targets are not released yet, if any. */
    Optional<ReverseReplicator.PendingRelease> pendingRelease() throws Exception;

    /** Releases the targets of a committed rollback (idempotent; see {@link SwitchEffects#releaseTargets}). */
    void releaseTargets(long fence, long to) throws Exception;

    /** True when any target logs application writes (its reverse log triggers are on). */
    boolean targetsLogging() throws Exception;

    /** Removes the reverse log from every target (a cutover that never committed left it). */
    void stopReverseLog(String id);

    /** True when any target's unique index is unique. */
    boolean uniqueEnforced() throws Exception;

    /** Makes every target's unique indexes non-unique stand-ins again (idempotent). */
    void relaxUniqueIndexes();

    /** The generation the source says is live: the new one while it rejects writes of moved rows, else the old one. */
    long sourceGeneration(long oldGeneration, long newGeneration) throws Exception;

    /** {@code writes.frozen} on the config topic. */
    boolean writesFrozen();

    /** Publishes {@code routing.generation}. */
    void publishGeneration(long generation, long previous, String reason);

    /** Publishes {@code writes.frozen}. */
    void publishFreeze(boolean frozen, String reason);

    /** Points the search alias at the collection of {@code to} (idempotent). */
    void swapAlias(long from, long to) throws Exception;

    /** Appends an entry to the audit trail. */
    void audit(String entry, Map<String, Object> details);
}
