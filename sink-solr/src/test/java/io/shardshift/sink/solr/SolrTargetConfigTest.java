package io.shardshift.sink.solr;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(config.fields()).isEmpty();
        assertThat(config.hotTenants()).isEmpty();
        assertThat(config.solrUrls()).isEmpty();
    }

    @Test
    void shouldRequireExactlyOneWayToReachSolr() {
        assertThatThrownBy(() -> new SolrTargetConfig("s", null, null, "orders", 1, 2, 1, "orders", "tenant_id",
                null, null, null, null, null, null))
                .hasMessageContaining("search target 's'").hasMessageContaining("exactly one of zkHost or solrUrls");
        assertThatThrownBy(() -> new SolrTargetConfig("s", "zk:2181", List.of("http://solr:8983/solr"), "orders", 1, 2,
                1, "orders", "tenant_id", null, null, null, null, null, null))
                .hasMessageContaining("exactly one of zkHost or solrUrls");
    }

    @Test
    void shouldNameTheFieldOfABadValue() {
        assertThatThrownBy(() -> SolrTargetConfig.of("s", "zk", "orders", 0, 2, "orders", "tenant_id"))
                .hasMessageContaining("version must be at least 1, was 0");
        assertThatThrownBy(() -> SolrTargetConfig.of("s", "zk", "orders", 1, 0, "orders", "tenant_id"))
                .hasMessageContaining("shards must be at least 1, was 0");
        assertThatThrownBy(() -> SolrTargetConfig.of("s", "zk", "bad name", 1, 1, "orders", "tenant_id"))
                .hasMessageContaining("collection 'bad name'");
        assertThatThrownBy(() -> SolrTargetConfig.of("s", "zk", "orders", 1, 1, "a.b.c", "tenant_id"))
                .hasMessageContaining("table:");
        assertThatThrownBy(() -> SolrTargetConfig.of("s", "zk", "orders", 1, 1, "orders", "tenant-id"))
                .hasMessageContaining("shardKey");
        assertThatThrownBy(() -> SolrTargetConfig.of("s", "zk", "orders", 1, 1, "orders", "t").withHotTenants(Map.of("big", 17)))
                .hasMessageContaining("hotTenants.big must be routing bits from 0 to 16, was 17");
        assertThatThrownBy(() -> new SolrTargetConfig.FieldMapping("total", null, "money"))
                .hasMessageContaining("unknown Solr field type 'money'");
    }
}
