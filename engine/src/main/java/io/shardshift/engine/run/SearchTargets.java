package io.shardshift.engine.run;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SearchTargetSpec;
import io.shardshift.core.spec.SpecException;
import io.shardshift.sink.solr.SolrClients;
import io.shardshift.sink.solr.SolrProvisioner;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.apache.solr.client.solrj.impl.CloudSolrClient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The search targets of a migration as Solr configs, checked against the spec and the source tables.
 */
public final class SearchTargets {
    private final Map<String, SolrTargetConfig> configs;
    private final Map<String, TableSchema> schemas;

    private SearchTargets(Map<String, SolrTargetConfig> configs, Map<String, TableSchema> schemas) {
        this.configs = configs;
        this.schemas = schemas;
    }

    /**
     * Builds the configs; a bad search target fails with a {@link SpecException} naming {@code search[i]}.
     *
     * @param tables the source tables' definitions (from preflight)
     */
    public static SearchTargets of(MigrationSpec spec, List<TableSchema> tables) {
        Map<String, SolrTargetConfig> configs = new LinkedHashMap<>();
        Map<String, TableSchema> schemas = new LinkedHashMap<>();
        List<SearchTargetSpec> search = spec.searchTargets();
        for (int i = 0; i < search.size(); i++) {
            SearchTargetSpec s = search.get(i);
            TableId table = TableId.parse(s.table());
            TableSchema schema = tables.stream().filter(t -> t.id().equals(table)).findFirst()
                    .orElseThrow(() -> new SpecException("search[" + s.name() + "].table", "unknown table " + table));
            try {
                configs.put(s.name(), SolrTargetConfig.from(s, spec.shardKeyOf(table)));
            } catch (IllegalArgumentException e) {
                throw new SpecException("search[" + i + "]", e.getMessage(), e);
            }
            schemas.put(s.name(), schema);
        }
        return new SearchTargets(configs, schemas);
    }

    /** Creates each new collection (idempotent); an unreachable Solr fails naming the target. */
    public void provision() {
        configs.forEach((name, cfg) -> {
            try (CloudSolrClient client = SolrClients.forTarget(cfg)) {
                new SolrProvisioner(client).createCollection(cfg, schemas.get(name));
            } catch (java.io.IOException | RuntimeException e) {
                throw new SpecException("search[" + name + "]", "cannot create collection " + cfg.collectionName()
                        + ": " + e.getMessage(), e);
            }
        });
    }

    public boolean contains(String name) {
        return configs.containsKey(name);
    }

    public SolrTargetConfig config(String name) {
        return configs.get(name);
    }

    public TableSchema schema(String name) {
        return schemas.get(name);
    }

    /** The search targets that index a table. */
    public List<SolrTargetConfig> of(TableId table) {
        return configs.values().stream().filter(c -> c.tableId().equals(table)).toList();
    }

    /** All configs by target name. */
    public Map<String, SolrTargetConfig> all() {
        return Map.copyOf(configs);
    }
}
