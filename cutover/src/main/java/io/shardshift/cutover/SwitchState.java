package io.shardshift.cutover;

import java.util.Map;

/**
 * The three places a switch changes, as {@link Reconciler} reads and repairs them: the source (which generation it
 * says is live: the reject trigger and the observation record a committed cutover leaves), the config topic
 * ({@code routing.generation}, {@code writes.frozen}) and the search alias. {@link LiveSwitchState} is the real one.
 */
interface SwitchState {

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
