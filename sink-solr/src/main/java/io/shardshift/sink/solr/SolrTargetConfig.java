package io.shardshift.sink.solr;

import io.shardshift.core.event.TableId;
import io.shardshift.core.sql.SqlIdentifiers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A search target: one source table indexed into a versioned SolrCloud collection behind an alias. Every
 * field is a plain value so a YAML section maps onto it directly; the constructor validates and fills
 * defaults, and its errors name the target and the field.
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
 * @param shards         the number of shards, default 2
 * @param replicas       NRT replicas per shard, default 1
 * @param table          the source table, {@code schema.table} or {@code table}
 * @param shardKey       the column whose value prefixes the document id (the tenant)
 * @param fields         columns to index; empty or {@code null} indexes every column with default types
 * @param hotTenants     shard key value to routing bits (0-16) for tenants spread over several shards
 * @param commitWithinMs how soon written documents become searchable (soft commit), default 1000
 * @param batchSize      documents per update request, default 1000
 * @param maxRetries     retries of a failed request on transient errors, default 6
 * @param retryBackoffMs first retry delay, doubled on each retry up to 10 s, default 200
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

    private static final Pattern TARGET_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern COLLECTION_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,80}");

    /** The largest useful number of routing bits for a hot tenant (16 = no spread, as a plain id). */
    public static final int MAX_HOT_TENANT_BITS = 16;

    public SolrTargetConfig {
        String where = "search target '" + name + "'";
        if (name == null || !TARGET_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ": name must match [A-Za-z0-9_-]+");
        }
        boolean hasZk = zkHost != null && !zkHost.isBlank();
        boolean hasUrls = solrUrls != null && !solrUrls.isEmpty();
        if (hasZk == hasUrls) {
            throw new IllegalArgumentException(where + ": give exactly one of zkHost or solrUrls");
        }
        solrUrls = hasUrls ? List.copyOf(solrUrls) : List.of();
        if (collection == null || !COLLECTION_NAME.matcher(collection).matches()) {
            throw new IllegalArgumentException(where + ": collection '" + collection
                    + "' must match [A-Za-z0-9_][A-Za-z0-9_-]*");
        }
        version = atLeast(where, "version", version, null, 1);
        shards = atLeast(where, "shards", shards, 2, 1);
        replicas = atLeast(where, "replicas", replicas, 1, 1);
        try {
            TableId.parse(table);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": table: " + e.getMessage(), e);
        }
        SqlIdentifiers.requireValid(shardKey, where + ": shardKey");
        fields = fields == null ? List.of() : List.copyOf(fields);
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i) == null) {
                throw new IllegalArgumentException(where + ": fields[" + i + "] is empty");
            }
        }
        hotTenants = hotTenants == null ? Map.of() : new LinkedHashMap<>(hotTenants);
        hotTenants.forEach((tenant, bits) -> {
            if (bits == null || bits < 0 || bits > MAX_HOT_TENANT_BITS) {
                throw new IllegalArgumentException(where + ": hotTenants." + tenant + " must be routing bits from 0 to "
                        + MAX_HOT_TENANT_BITS + ", was " + bits);
            }
        });
        hotTenants = Collections.unmodifiableMap(hotTenants);
        commitWithinMs = atLeast(where, "commitWithinMs", commitWithinMs, 1000, 1);
        batchSize = atLeast(where, "batchSize", batchSize, 1000, 1);
        maxRetries = atLeast(where, "maxRetries", maxRetries, 6, 0);
        retryBackoffMs = atLeast(where, "retryBackoffMs", retryBackoffMs, 200, 0);
    }

    /**
     * The config of a spec's search target.
     *
     * @param spec            the search target as written in the spec
     * @param tableShardKey   the table's shard key, used when the search target names none
     * @throws IllegalArgumentException naming the target and the field
     */
    public static SolrTargetConfig from(io.shardshift.core.spec.SearchTargetSpec spec, String tableShardKey) {
        List<FieldMapping> fields = spec.fields() == null ? List.of() : spec.fields().stream()
                .map(f -> new FieldMapping(f.column(), f.field(), f.type())).toList();
        return new SolrTargetConfig(spec.name(), spec.zkHost(), spec.solrUrls(), spec.collection(), spec.version(),
                spec.shards(), spec.replicas(), spec.table(), spec.shardKey() != null ? spec.shardKey() : tableShardKey,
                fields, spec.hotTenants(), spec.commitWithinMs(), null, null, null);
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

    private static Integer atLeast(String where, String field, Integer value, Integer dflt, int min) {
        Integer v = value == null ? dflt : value;
        if (v == null) {
            throw new IllegalArgumentException(where + ": " + field + " is required");
        }
        if (v < min) {
            throw new IllegalArgumentException(where + ": " + field + " must be at least " + min + ", was " + v);
        }
        return v;
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
        public FieldMapping {
            SqlIdentifiers.requireValid(column, "fields.column");
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
