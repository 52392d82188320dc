package io.shardshift.cutover;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where {@link SearchAliasSwap} keeps, per alias, the collection the alias pointed to before a cutover moved it, so
 * that a rollback can point it back. {@link ConfigTopicCollections} keeps it on the config topic (and notes it in
 * the audit trail), so it outlives a restart of the migrator; {@link #inMemory()} does not.
 */
public interface PreviousCollections {
    /** Kept as the collection of an alias that did not exist before the cutover created it. */
    String NONE = "";

    /**
     * Keeps {@code collection} as what {@code alias} pointed to before the cutover to {@code generation} ({@link #NONE}
     * when the alias did not exist).
     */
    void remember(String alias, String collection, long generation);

    /** The collection {@code alias} pointed to before the last cutover, if one was kept. */
    Optional<String> recall(String alias);

    /** Kept in this process only (lost on a restart). */
    static PreviousCollections inMemory() {
        Map<String, String> kept = new ConcurrentHashMap<>();
        return new PreviousCollections() {
            @Override
            public void remember(String alias, String collection, long generation) {
                kept.put(alias, collection);
            }

            @Override
            public Optional<String> recall(String alias) {
                return Optional.ofNullable(kept.get(alias));
            }
        };
    }
}
