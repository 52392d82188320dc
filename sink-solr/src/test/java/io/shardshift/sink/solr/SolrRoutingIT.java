package io.shardshift.sink.solr;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.devstack.DevSolr;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.cloud.DocCollection;
import org.apache.solr.common.cloud.Slice;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SolrRoutingIT {
    private static final int SHARDS = 4;
    private static DevSolr solr;
    private static CloudSolrClient client;

    @BeforeAll
    static void startSolr() {
        solr = SharedSolr.get();
        client = solr.client();
    }

    @Test
    void shouldSpreadHotTenantOverItsShardsAndKeepOtherTenantsOnOneShardEach() throws Exception {
        SolrTargetConfig config = Orders.config(solr.zkHost(), "routed", 1, SHARDS)
                .withHotTenants(Map.of("bigco", 1))
                .withCommitWithinMs(200);
        SolrProvisioner provisioner = new SolrProvisioner(client);
        provisioner.createCollection(config, Orders.SCHEMA);
        provisioner.pointAlias(config);
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            events.add(Orders.snapshot(Orders.row("bigco", i, i)));
        }
        for (int i = 200; i < 400; i++) {
            events.add(Orders.insert(Orders.row("tenant" + (i % 40), i, i), 1000 + i));
        }
        try (SolrTargetSink sink = new SolrTargetSink(config, Orders.SCHEMA, client)) {
            assertThat(sink.apply(events)).isEmpty();
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                client.query("routed", new SolrQuery("*:*").setRows(0)).getResults().getNumFound() == 400);

        Map<String, String> shardOfDoc = shardOfEachDoc("routed_v1");
        DocCollection collection = client.getClusterState().getCollection("routed_v1");
        Set<String> hotShards = collection.getRouter().getSearchSlicesSingle("bigco/1!", null, collection).stream()
                .map(Slice::getName).collect(Collectors.toSet());
        Map<String, Set<String>> shardsOfTenant = new HashMap<>();
        shardOfDoc.forEach((id, shard) -> {
            Slice expected = collection.getRouter().getTargetSlice(id, null, null, null, collection);
            assertThat(shard).as("shard of %s", id).isEqualTo(expected.getName());
            shardsOfTenant.computeIfAbsent(id.substring(0, id.indexOf('!')), t -> new HashSet<>()).add(shard);
        });

        assertThat(shardOfDoc).hasSize(400);
        assertThat(hotShards).hasSize(SHARDS / 2);
        assertThat(shardsOfTenant.get("bigco/1")).isEqualTo(hotShards);
        Set<String> usedByOthers = new HashSet<>();
        shardsOfTenant.forEach((tenant, shards) -> {
            if (!tenant.equals("bigco/1")) {
                assertThat(shards).as("shards of %s", tenant).hasSize(1);
                usedByOthers.addAll(shards);
            }
        });
        assertThat(usedByOthers).hasSizeGreaterThanOrEqualTo(3);
    }

    /** Asks each shard on its own (shards=shardN) which documents it holds. */
    private static Map<String, String> shardOfEachDoc(String collectionName) throws Exception {
        Map<String, String> shardOf = new HashMap<>();
        for (Slice slice : client.getClusterState().getCollection(collectionName).getSlices()) {
            SolrQuery q = new SolrQuery("*:*").setRows(10_000).setFields("id");
            q.set("shards", slice.getName());
            for (SolrDocument doc : client.query(collectionName, q).getResults()) {
                String previous = shardOf.put((String) doc.getFieldValue("id"), slice.getName());
                assertThat(previous).as("document %s held by two shards", doc.getFieldValue("id")).isNull();
            }
        }
        return shardOf;
    }
}
