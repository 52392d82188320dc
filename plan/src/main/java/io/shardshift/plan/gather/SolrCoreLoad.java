package io.shardshift.plan.gather;

/**
 * One replica (core) of a Solr collection.
 *
 * @param shard               the shard, e.g. {@code shard1}
 * @param replica             the replica, e.g. {@code replica_n1}
 * @param node                the node's base URL
 * @param docs                documents in the core ({@code SEARCHER.searcher.numDocs})
 * @param queriesPerSec       {@code /select} requests per second during the window
 * @param filterCacheHitRatio the filter cache's hit ratio (0 to 1)
 * @param filterCacheLookups  the filter cache's lookups since the searcher opened (a ratio over few lookups
 *                            means little)
 */
public record SolrCoreLoad(String shard, String replica, String node, long docs, double queriesPerSec,
                           double filterCacheHitRatio, long filterCacheLookups) {
}
