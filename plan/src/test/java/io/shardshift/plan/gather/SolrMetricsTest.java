package io.shardshift.plan.gather;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SolrMetricsTest {

    @Test
    void shouldReadEachCoreOfTheCollectionCountingTopLevelAndShardRequests() throws Exception {
        String json = """
                {"responseHeader":{"status":0,"QTime":3},
                 "metrics":{
                   "solr.core.docs.shard1.replica_n1":{"QUERY./select.requests":42,"QUERY./select[shard].requests":3,"SEARCHER.searcher.numDocs":1000,
                     "CACHE.searcher.filterCache":{"lookups":10,"hits":2,"hitratio":0.2,"size":3}},
                   "solr.core.docs.shard2.replica_n3":{"QUERY./select.requests":{"count":7},
                     "SEARCHER.searcher.numDocs":{"value":1200},"CACHE.searcher.filterCache":{"lookups":0,"hitratio":0.0}},
                   "solr.core.other.shard1.replica_n1":{"QUERY./select.requests":99}}}
                """;

        Map<String, SolrMetrics.Sample> samples = SolrMetrics.parse(new ObjectMapper().readTree(json), "docs");

        assertThat(samples).containsOnlyKeys("shard1.replica_n1", "shard2.replica_n3");
        assertThat(samples.get("shard1.replica_n1"))
                .isEqualTo(new SolrMetrics.Sample("shard1", "replica_n1", 45, 1000, 0.2, 10));
        assertThat(samples.get("shard2.replica_n3"))
                .isEqualTo(new SolrMetrics.Sample("shard2", "replica_n3", 7, 1200, 0.0, 0));
    }

    @Test
    void shouldSayWhenSolrCollectsNoMetrics() throws Exception {
        String json = "{\"responseHeader\":{\"status\":0},\"error\":\"metrics collection is disabled\"}";

        assertThatThrownBy(() -> SolrMetrics.parse(new ObjectMapper().readTree(json), "docs"))
                .hasMessageContaining("metrics collection is disabled");
    }
}
