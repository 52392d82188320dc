package io.shardshift.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.devstack.DevSolr;
import io.shardshift.engine.run.SearchTargets;
import io.shardshift.sink.solr.SolrProvisioner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The search alias swap on a real SolrCloud: a cutover moves the alias from {@code notes_v1} to {@code notes_v2},
 * the migrator restarts (a new swap, its memory read back from the config topic's latest values), and the rollback
 * points the alias at {@code notes_v1} again.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SearchAliasSwapIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TableSchema NOTES = new TableSchema(TableId.parse("public.notes"),
            List.of(new ColumnDef("id", "bigint", true), new ColumnDef("tenant_id", "text", true),
                    new ColumnDef("note", "text", false)),
            List.of("id"), List.of(), true);
    static DevSolr solr;

    @BeforeAll
    static void start() {
        solr = DevSolr.start(1);
    }

    @AfterAll
    static void stop() {
        if (solr != null) {
            solr.close();
        }
    }

    private static SearchTargets search(int version) {
        MigrationSpec spec = SpecLoader.parse("""
                name: notes
                source: {jdbcUrl: "jdbc:postgresql://127.0.0.1:1/app", user: app, password: "x"}
                tables: [{name: public.notes}]
                kafka: {bootstrapServers: "localhost:1"}
                targets:
                  - {name: pg_a, jdbcUrl: "jdbc:postgresql://127.0.0.1:1/app", user: app, password: "x"}
                layout: {generation: 2, shardKey: tenant_id, buckets: 4, targets: [pg_a]}
                search:
                  - name: notes_search
                    zkHost: "%s"
                    collection: notes
                    version: %d
                    shards: 1
                    table: public.notes
                    fields:
                      - {column: tenant_id}
                      - {column: note}
                """.formatted(solr.zkHost(), version), Map.of());
        return SearchTargets.of(spec, List.of(NOTES));
    }

    @Test
    void shouldSwapTheAliasBackAfterARestart() throws Exception {
        SolrProvisioner provisioner = new SolrProvisioner(solr.client());
        SearchTargets v1 = search(1);
        SearchTargets v2 = search(2);
        provisioner.createCollection(v1.config("notes_search"), NOTES);
        provisioner.createCollection(v2.config("notes_search"), NOTES);
        provisioner.pointAlias(v1.config("notes_search"));
        Map<String, JsonNode> configTopic = new HashMap<>();

        new SearchAliasSwap(v2, onTopic(configTopic)).swap(1, 2);
        assertThat(provisioner.aliasTarget("notes")).contains("notes_v2");

        new SearchAliasSwap(v2, onTopic(configTopic)).swap(2, 1);

        assertThat(provisioner.aliasTarget("notes")).contains("notes_v1");
    }

    /** A memory on a config topic given as its latest value per key; a new one reads what an earlier one wrote. */
    private static PreviousCollections onTopic(Map<String, JsonNode> topic) {
        return new ConfigTopicCollections((key, value) -> topic.put(key, JSON.valueToTree(value)),
                key -> Optional.ofNullable(topic.get(key)), null);
    }
}
