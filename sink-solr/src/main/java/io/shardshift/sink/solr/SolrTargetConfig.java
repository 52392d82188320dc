package io.shardshift.sink.solr;

import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.SpecDefaults;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A search target: one source table indexed into a versioned SolrCloud collection behind an alias. Every
 * field is a plain value so a YAML section maps onto it directly. The rules are {@code SpecValidator}'s
 * (module {@code core}), checked once when the spec is loaded; the constructor only fills the defaults of
 * {@link SpecDefaults}.
 *
 * <pre>{@code
 * name: orders-search
 * zkHost: zk1:2181,zk2:2181/solr      # or solrUrls: [http://solr1:8983/solr]
 * collection: orders                  # alias "orders" -> collection "orders_v2"
 * version: 2
 * shards: 4
 * replicas: 2
 * table: public.orders
 * shardKey: tenant_id                 # doc id "acme!42", routed by compositeId on "acme"
 * fields:                             # optional; default: every column, default types
 *   - {column: total, type: pdouble}
 *   - {column: note, field: note_txt, type: text_general}
 * hotTenants: {bigco: 1}              # "bigco/1!42": bigco spreads over half of the hash ring
 * commitWithinMs: 1000
 * }</pre>
 *
 * <p><b>Document ids.</b> {@code <tenant>!<pk>}, where {@code <pk>} is the primary key values without the
 * shard key column (all of them when the key is the shard key alone), joined by {@code ,}; {@code %},
 * {@code !}, {@code /} and {@code ,} inside values are percent-encoded. A hot tenant's ids are
 * {@code <tenant>/<bits>!<pk>}: only the top {@code bits} bits of the hash come from the tenant, so its
 * documents cover {@code 1/2^bits} of the hash ring, about {@code shards / 2^bits} shards. Ids are part of
 * a collection's identity: change {@code hotTenants} only together with a new {@code version}.
 *
 * @param name           the target's name ({@code [A-Za-z0-9_-]+})
 * @param zkHost         ZooKeeper connect string with chroot, e.g. {@code zk:2181/solr}; or give solrUrls
 * @param solrUrls       Solr base URLs, e.g. {@code http://solr1:8983/solr}; or give zkHost
 * @param collection     the alias name and the base of the collection names ({@code <collection>_v<version>})
 * @param version        the collection version to build, at least 1
 * @param shards         the number of shards, default {@value SpecDefaults#SEARCH_SHARDS}
 * @param replicas       NRT replicas per shard, default {@value SpecDefaults#SEARCH_REPLICAS}
 * @param table          the source table, {@code schema.table} or {@code table}
 * @param shardKey       the column whose value prefixes the document id (the tenant)
 * @param fields         columns to index; empty or {@code null} indexes every column with default types
 * @param hotTenants     shard key value to routing bits (0-16) for tenants spread over several shards
 * @param commitWithinMs how soon written documents become searchable (soft commit), default
 *                       {@value SpecDefaults#SEARCH_COMMIT_WITHIN_MS}
 * @param batchSize      documents per update request, default {@value SpecDefaults#SEARCH_BATCH_SIZE}
 * @param maxRetries     retries of a failed request on transient errors, default
 *                       {@value SpecDefaults#SEARCH_MAX_RETRIES}
 * @param retryBackoffMs first retry delay, doubled on each retry up to 10 s, default
 *                       {@value SpecDefaults#SEARCH_RETRY_BACKOFF_MS}
 */
public record SolrTargetConfig(String name,
                               String zkHost,
                               List<String> solrUrls,
                               String collection,
                               Integer version,
                               Integer shards,
                               Integer replicas,
                               String table,
                               String shardKey,
                               List<FieldMapping> fields,
                               Map<String, Integer> hotTenants,
                               Integer commitWithinMs,
                               Integer batchSize,
                               Integer maxRetries,
                               Integer retryBackoffMs) {

    /** The largest useful number of routing bits for a hot tenant (16 = no spread, as a plain id). */
    public static final int MAX_HOT_TENANT_BITS = SpecDefaults.SEARCH_MAX_HOT_TENANT_BITS;

    /**
     * Takes values that passed {@link io.shardshift.core.spec.SpecValidator} (the one place for the rules of a
     * search target) and fills what is absent with the defaults of {@link SpecDefaults}.
     *
     * @throws NullPointerException when a field without a default is absent
     */
    public SolrTargetConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(collection, "collection");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(shardKey, "shardKey");
        solrUrls = solrUrls == null ? List.of() : List.copyOf(solrUrls);
        fields = fields == null ? List.of() : List.copyOf(fields);
        hotTenants = hotTenants == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(hotTenants));
        shards = orDefault(shards, SpecDefaults.SEARCH_SHARDS);
        replicas = orDefault(replicas, SpecDefaults.SEARCH_REPLICAS);
        commitWithinMs = orDefault(commitWithinMs, SpecDefaults.SEARCH_COMMIT_WITHIN_MS);
        batchSize = orDefault(batchSize, SpecDefaults.SEARCH_BATCH_SIZE);
        maxRetries = orDefault(maxRetries, SpecDefaults.SEARCH_MAX_RETRIES);
        retryBackoffMs = orDefault(retryBackoffMs, SpecDefaults.SEARCH_RETRY_BACKOFF_MS);
    }

    /**
     * The config of a spec's search target.
     *
     * @param spec          a search target of a validated spec ({@link io.shardshift.core.spec.SpecValidator})
     * @param tableShardKey the table's shard key, used when the search target names none
     */
    public static SolrTargetConfig from(io.shardshift.core.spec.SearchTargetSpec spec, String tableShardKey) {
        List<FieldMapping> fields = spec.fields() == null ? List.of() : spec.fields().stream()
                .map(f -> new FieldMapping(f.column(), f.field(), f.type())).toList();
        String shardKey = spec.shardKey() != null ? spec.shardKey() : tableShardKey;
        return new SolrTargetConfig(spec.name(), spec.zkHost(), spec.solrUrls(), spec.collection(), spec.version(),
                spec.shardsOrDefault(), spec.replicasOrDefault(), spec.table(), shardKey, fields, spec.hotTenants(), spec.commitWithinMsOrDefault(), null, null, null);
    }

    /** A config with defaults for everything optional: all columns, no hot tenants. */
    public static SolrTargetConfig of(String name, String zkHost, String collection, int version, int shards,
                                      String table, String shardKey) {
        return new SolrTargetConfig(name, zkHost, null, collection, version, shards, null, table, shardKey,
                null, null, null, null, null, null);
    }

    /** The collection this config builds: {@code <collection>_v<version>}, e.g. {@code orders_v2}. */
    public String collectionName() {
        return collectionName(version);
    }

    /** The collection of another version of this target, e.g. the one to roll back to. */
    public String collectionName(int otherVersion) {
        if (otherVersion < 1) {
            throw new IllegalArgumentException("search target '" + name + "': version must be at least 1, was "
                    + otherVersion);
        }
        return versioned(collection, otherVersion);
    }

    /** The collection of version {@code version} behind alias {@code alias}: {@code <alias>_v<version>}. */
    public static String versioned(String alias, int version) {
        return alias + "_v" + version;
    }

    /** The alias queries go through: the collection base name. */
    public String alias() {
        return collection;
    }

    /** The source table as an id. */
    public TableId tableId() {
        return TableId.parse(table);
    }

    /** This config with another version, e.g. the next collection to build. */
    public SolrTargetConfig withVersion(int newVersion) {
        return new SolrTargetConfig(name, zkHost, solrUrls, collection, newVersion, shards, replicas, table,
                shardKey, fields, hotTenants, commitWithinMs, batchSize, maxRetries, retryBackoffMs);
    }

    /** This config with other hot tenants (only together with a new version: ids change). */
    public SolrTargetConfig withHotTenants(Map<String, Integer> newHotTenants) {
        return new SolrTargetConfig(name, zkHost, solrUrls, collection, version, shards, replicas, table,
                shardKey, fields, newHotTenants, commitWithinMs, batchSize, maxRetries, retryBackoffMs);
    }

    /** This config with another commitWithin. */
    public SolrTargetConfig withCommitWithinMs(int ms) {
        return new SolrTargetConfig(name, zkHost, solrUrls, collection, version, shards, replicas, table,
                shardKey, fields, hotTenants, ms, batchSize, maxRetries, retryBackoffMs);
    }

    /** This config with explicit field mappings. */
    public SolrTargetConfig withFields(List<FieldMapping> newFields) {
        return new SolrTargetConfig(name, zkHost, solrUrls, collection, version, shards, replicas, table,
                shardKey, newFields, hotTenants, commitWithinMs, batchSize, maxRetries, retryBackoffMs);
    }

    private static Integer orDefault(Integer value, int dflt) {
        return value == null ? dflt : value;
    }

    /**
     * One indexed column.
     *
     * @param column the source column
     * @param field  the Solr field; default the column name ({@code <table>_<column>} when that is reserved,
     *               e.g. {@code id})
     * @param type   a {@link SolrFieldType} schema name, e.g. {@code pdouble}; default by column type
     */
    public record FieldMapping(String column, String field, String type) {
        /**
         * The column is a validated spec value; the type is looked up here, as only this module knows the
         * Solr field types.
         *
         * @throws IllegalArgumentException for an unknown type, listing the known ones
         */
        public FieldMapping {
            Objects.requireNonNull(column, "column");
            if (type != null && !type.isBlank()) {
                SolrFieldType.forSolrName(type);
            }
        }

        /** A column mapped with default field name and type. */
        public static FieldMapping of(String column) {
            return new FieldMapping(column, null, null);
        }
    }
}
