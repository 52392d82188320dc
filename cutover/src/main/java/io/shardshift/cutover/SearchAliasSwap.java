package io.shardshift.cutover;

import io.shardshift.engine.run.SearchTargets;
import io.shardshift.sink.solr.SolrClients;
import io.shardshift.sink.solr.SolrProvisioner;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.apache.solr.client.solrj.impl.CloudSolrClient;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The search side of a cutover: moves each search target's alias to its new collection when the
 * generation goes forward, and back to the collection it pointed to before when it goes back. The old
 * collection is kept (read-only by convention) for the rollback.
 */
public final class SearchAliasSwap implements CutoverOptions.AliasSwap {
    private final SearchTargets search;
    private final Map<String, String> previous = new ConcurrentHashMap<>();

    public SearchAliasSwap(SearchTargets search) {
        this.search = search;
    }

    @Override
    public void swap(long fromGeneration, long toGeneration) throws Exception {
        for (SolrTargetConfig cfg : search.all().values()) {
            try (CloudSolrClient client = SolrClients.forTarget(cfg)) {
                SolrProvisioner provisioner = new SolrProvisioner(client);
                if (toGeneration > fromGeneration) {
                    Optional<String> before = provisioner.pointAlias(cfg);
                    before.filter(c -> !c.equals(cfg.collectionName())).ifPresent(c -> previous.put(cfg.alias(), c));
                } else {
                    String back = previous.get(cfg.alias());
                    if (back != null) {
                        provisioner.pointAlias(cfg.alias(), back);
                    }
                }
            }
        }
    }
}
