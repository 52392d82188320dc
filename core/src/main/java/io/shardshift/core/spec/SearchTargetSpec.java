package io.shardshift.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * A search target: one source table indexed into a new, versioned SolrCloud collection
 * ({@code <collection>_v<version>}) that an alias named {@code <collection>} points to after cutover. Every
 * event of the table goes to it, whatever the PostgreSQL layout; inside Solr, documents are routed by
 * {@code compositeId} with the shard key as prefix ({@code tenant!id}), and a hot tenant is spread over
 * {@code shards / 2^bits} shards ({@code tenant/bits!id}).
 *
 * @param name           the target's name, unique among all targets
 * @param zkHost         ZooKeeper connect string with chroot; or give solrUrls
 * @param solrUrls       Solr base URLs; or give zkHost
 * @param collection     the alias and base name of the collections
 * @param version        the version of the new collection, at least 1
 * @param shards         shards of the new collection (default 2)
 * @param replicas       replicas per shard (default 1)
 * @param table          the source table it indexes
 * @param shardKey       the document id prefix column (default: the table's shard key)
 * @param fields         columns to index (default: all, with types from the column types)
 * @param hotTenants     shard key value to routing bits (0-16)
 * @param commitWithinMs how soon documents become searchable (default 1000)
 */
public record SearchTargetSpec(@JsonProperty(required = true) String name,
                               String zkHost,
                               List<String> solrUrls,
                               @JsonProperty(required = true) String collection,
                               @JsonProperty(required = true) Integer version,
                               Integer shards,
                               Integer replicas,
                               @JsonProperty(required = true) String table,
                               String shardKey,
                               List<SearchFieldSpec> fields,
                               Map<String, Integer> hotTenants,
                               Integer commitWithinMs) {

    /** Shards of the new collection, {@link SpecDefaults#SEARCH_SHARDS} when not given. */
    public int shardsOrDefault() {
        return shards == null ? SpecDefaults.SEARCH_SHARDS : shards;
    }

    /** NRT replicas per shard, {@link SpecDefaults#SEARCH_REPLICAS} when not given. */
    public int replicasOrDefault() {
        return replicas == null ? SpecDefaults.SEARCH_REPLICAS : replicas;
    }

    /** The soft commit bound in ms, {@link SpecDefaults#SEARCH_COMMIT_WITHIN_MS} when not given. */
    public int commitWithinMsOrDefault() {
        return commitWithinMs == null ? SpecDefaults.SEARCH_COMMIT_WITHIN_MS : commitWithinMs;
    }

    /**
     * A column indexed into a Solr field.
     *
     * @param column the source column
     * @param field  the Solr field name (default: the column name)
     * @param type   the Solr field type, e.g. {@code pdouble} (default: from the column's type)
     */
    public record SearchFieldSpec(@JsonProperty(required = true) String column, String field, String type) {
    }
}
