package io.shardshift.sink.solr;

import io.shardshift.core.spec.SearchTargetSpec;
import io.shardshift.core.spec.SpecDefaults;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Solr target config. The rules of a search target are {@code SpecValidator}'s and are tested with it in
 * core ({@code SearchTargetRulesTest}); here: defaults, names, and what only this module knows.
 */
class SolrTargetConfigTest {

    @Test
    void shouldFillDefaultsAndNameVersionedCollections() {
        SolrTargetConfig config = SolrTargetConfig.of("orders-search", "zk:2181/solr", "orders", 3, 4, "orders", "tenant_id");

        assertThat(config.collectionName()).isEqualTo("orders_v3");
        assertThat(config.collectionName(2)).isEqualTo("orders_v2");
        assertThat(config.alias()).isEqualTo("orders");
        assertThat(config.tableId().toString()).isEqualTo("public.orders");
        assertThat(config.replicas()).isEqualTo(1);
        assertThat(config.commitWithinMs()).isEqualTo(1000);
        assertThat(config.batchSize()).isEqualTo(1000);
        assertThat(config.maxRetries()).isEqualTo(6);
        assertThat(config.retryBackoffMs()).isEqualTo(200);
        assertThat(config.fields()).isEmpty();
        assertThat(config.hotTenants()).isEmpty();
        assertThat(config.solrUrls()).isEmpty();
    }

    @Test
    void shouldTakeItsDefaultsFromTheSpecCatalogue() {
        SearchTargetSpec spec = new SearchTargetSpec("s", null, List.of("http://solr:8983/solr"), "orders", 2, null,
                null, "public.orders", null, List.of(new SearchTargetSpec.SearchFieldSpec("total", null, "pdouble")),
                Map.of("big", 2), null);

        SolrTargetConfig config = SolrTargetConfig.from(spec, "tenant_id");

        assertThat(config.shards()).isEqualTo(SpecDefaults.SEARCH_SHARDS);
        assertThat(config.replicas()).isEqualTo(SpecDefaults.SEARCH_REPLICAS);
        assertThat(config.commitWithinMs()).isEqualTo(SpecDefaults.SEARCH_COMMIT_WITHIN_MS);
        assertThat(config.batchSize()).isEqualTo(SpecDefaults.SEARCH_BATCH_SIZE);
        assertThat(config.maxRetries()).isEqualTo(SpecDefaults.SEARCH_MAX_RETRIES);
        assertThat(config.retryBackoffMs()).isEqualTo(SpecDefaults.SEARCH_RETRY_BACKOFF_MS);
        assertThat(config.shardKey()).isEqualTo("tenant_id");
        assertThat(config.solrUrls()).containsExactly("http://solr:8983/solr");
        assertThat(config.fields()).containsExactly(new SolrTargetConfig.FieldMapping("total", null, "pdouble"));
        assertThat(config.hotTenants()).containsEntry("big", 2);
    }

    @Test
    void shouldRefuseAMissingValueThatHasNoDefault() {
        assertThatThrownBy(() -> SolrTargetConfig.of("s", "zk", "orders", 1, 1, "orders", null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("shardKey");
    }

    @Test
    void shouldNameTheFieldOfABadValue() {
        assertThatThrownBy(() -> SolrTargetConfig.of("s", "zk", "orders", 1, 2, "orders", "tenant_id").collectionName(0))
                .hasMessageContaining("search target 's'").hasMessageContaining("version must be at least 1, was 0");
        assertThatThrownBy(() -> new SolrTargetConfig.FieldMapping("total", null, "money"))
                .hasMessageContaining("unknown Solr field type 'money'");
    }
}
