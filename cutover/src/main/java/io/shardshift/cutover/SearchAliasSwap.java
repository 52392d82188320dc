package io.shardshift.cutover;

import io.shardshift.engine.run.SearchTargets;
import io.shardshift.sink.solr.SolrClients;
import io.shardshift.sink.solr.SolrProvisioner;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.apache.solr.client.solrj.impl.CloudSolrClient;

import java.util.Optional;

/**
 * The search side of a cutover: moves each search target's alias to its new collection when the
 * generation goes forward, and back to the collection it pointed to before when it goes back. The old
 * collection is kept (read-only by convention) for the rollback. What the alias pointed to before is kept in
 * {@link PreviousCollections} before the alias moves: on the config topic for a migration's controller, so a
 * rollback after a restart of the migrator still swaps the alias back. Going back with nothing kept while the alias
 * still points at the new collection is refused, naming the alias, rather than leaving it there quietly.
 */
public final class SearchAliasSwap implements CutoverOptions.AliasSwap {
    private final SearchTargets search;
    private final PreviousCollections previous;

    /** Keeps the previous collections in memory only (a rebalance, whose rollback runs in the same process). */
    public SearchAliasSwap(SearchTargets search) {
        this(search, PreviousCollections.inMemory());
    }

    public SearchAliasSwap(SearchTargets search, PreviousCollections previous) {
        this.search = search;
        this.previous = previous;
    }

    /** The same swap keeping the previous collections in {@code memory}. */
    public SearchAliasSwap rememberingIn(PreviousCollections memory) {
        return new SearchAliasSwap(search, memory);
    }

    @Override
    public void swap(long fromGeneration, long toGeneration) throws Exception {
        for (SolrTargetConfig cfg : search.all().values()) {
            try (CloudSolrClient client = SolrClients.forTarget(cfg)) {
                SolrProvisioner provisioner = new SolrProvisioner(client);
                Optional<String> destination = destination(toGeneration > fromGeneration, cfg.alias(),
                        cfg.collectionName(), provisioner.aliasTarget(cfg.alias()), toGeneration, previous);
                if (destination.isPresent()) {
                    provisioner.pointAlias(cfg.alias(), destination.get());
                }
            }
        }
    }

    /**
     * Where an alias goes in a switch, keeping what it pointed to before a cutover moves it.
     *
     * @param forward       a cutover (true) or a rollback
     * @param newCollection the collection of the migration's new generation
     * @param current       what the alias points to now
     * @return the collection to point the alias at, or empty to leave it (going back to an alias that did not exist
     *         before the cutover leaves it on the new collection, which the forward stream keeps current)
     * @throws IllegalStateException going back while the alias points at the new collection and nothing was kept
     */
    static Optional<String> destination(boolean forward, String alias, String newCollection, Optional<String> current,
                                        long generation, PreviousCollections previous) {
        if (forward) {
            if (current.isEmpty()) {
                previous.remember(alias, PreviousCollections.NONE, generation);
            } else if (!current.get().equals(newCollection)) {
                previous.remember(alias, current.get(), generation);
            }
            return Optional.of(newCollection);
        }
        Optional<String> back = previous.recall(alias);
        if (back.isPresent()) {
            return back.filter(c -> !c.equals(PreviousCollections.NONE));
        }
        if (current.filter(newCollection::equals).isPresent()) {
            throw new IllegalStateException("cannot point search alias " + alias + " back: it points at " + newCollection
                    + " and the collection it pointed to before the cutover is not recorded");
        }
        return Optional.empty();
    }
}
