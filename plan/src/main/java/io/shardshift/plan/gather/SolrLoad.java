package io.shardshift.plan.gather;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The load of a Solr collection, per core.
 *
 * @param collection the collection
 * @param cores      every replica of every shard
 */
public record SolrLoad(String collection, List<SolrCoreLoad> cores) {
    public SolrLoad {
        cores = List.copyOf(cores);
    }

    /** Documents per shard (the largest replica's count), by shard name. */
    public Map<String, Double> docsPerShard() {
        Map<String, Double> docs = new TreeMap<>();
        cores.forEach(c -> docs.merge(c.shard(), (double) c.docs(), Math::max));
        return docs;
    }

    /** Queries per second per shard (summed over its replicas), by shard name. */
    public Map<String, Double> queriesPerShard() {
        Map<String, Double> qps = new TreeMap<>();
        cores.forEach(c -> qps.merge(c.shard(), c.queriesPerSec(), Double::sum));
        return qps;
    }
}
