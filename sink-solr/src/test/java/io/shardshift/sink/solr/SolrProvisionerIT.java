package io.shardshift.sink.solr;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.devstack.DevSolr;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SolrProvisionerIT {
    private static DevSolr solr;
    private static CloudSolrClient client;

    @BeforeAll
    static void startSolr() {
        solr = SharedSolr.get();
        client = solr.client();
    }

    @Test
    void shouldCreateCollectionOnceAndPointAliasAtIt() {
        SolrTargetConfig config = Orders.config(solr.zkHost(), "books", 1, 2);
        SolrProvisioner provisioner = new SolrProvisioner(client);

        assertThat(provisioner.createCollection(config, Orders.SCHEMA)).isEqualTo("books_v1");
        assertThat(provisioner.createCollection(config, Orders.SCHEMA)).isEqualTo("books_v1");
        assertThat(provisioner.pointAlias(config)).isEmpty();

        assertThat(provisioner.aliasTarget("books")).contains("books_v1");
        assertThat(client.getClusterState().getCollection("books_v1").getSlices()).hasSize(2);
        assertThat(client.getClusterState().getCollection("books_v1").getRouter().getName()).isEqualTo("compositeId");
    }

    @Test
    void shouldTurnVersionedDeleteByIdIntoAHiddenTombstoneAndRefuseUnversionedOnes() throws Exception {
        SolrTargetConfig config = Orders.config(solr.zkHost(), "deletes", 1, 2);
        SolrProvisioner provisioner = new SolrProvisioner(client);
        provisioner.createCollection(config, Orders.SCHEMA);
        provisioner.pointAlias(config);
        fill(config, 3);
        String id = Orders.docId("t1", 1);

        UpdateRequest stale = new UpdateRequest().deleteById(id);
        stale.setParam("_ss_lsn", "0");
        stale.process(client, "deletes_v1");
        UpdateRequest versioned = new UpdateRequest().deleteById(id);
        versioned.setParam("_ss_lsn", "500");
        versioned.setCommitWithin(200);
        versioned.process(client, "deletes_v1");

        assertThat(client.getById("deletes_v1", id).getFieldValue("_ss_deleted")).isEqualTo(true);
        assertThat(client.getById("deletes_v1", id).getFieldValue("_ss_lsn")).isEqualTo(500L);
        awaitCount("deletes", 2);
        assertThatThrownBy(() -> new UpdateRequest().deleteById(Orders.docId("t2", 2)).process(client, "deletes_v1"))
                .hasMessageContaining("_ss_lsn");

        provisioner.purgeTombstones("deletes_v1");
        assertThat((Object) client.getById("deletes_v1", id)).isNull();
        assertThat(client.query("deletes_v1", new SolrQuery("*:*").setRows(0)).getResults().getNumFound()).isEqualTo(2);
    }

    @Test
    void shouldServeEveryQueryWhileAliasSwapsAndSwapsBack() throws Exception {
        SolrTargetConfig v1 = Orders.config(solr.zkHost(), "swap", 1, 2);
        SolrTargetConfig v2 = v1.withVersion(2);
        SolrProvisioner provisioner = new SolrProvisioner(client);
        provisioner.createCollection(v1, Orders.SCHEMA);
        provisioner.createCollection(v2, Orders.SCHEMA);
        fill(v1, 30);
        fill(v2, 70);
        provisioner.pointAlias(v1);
        awaitCount("swap", 30);

        AtomicBoolean running = new AtomicBoolean(true);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Set<Long> countsSeen = ConcurrentHashMap.newKeySet();
        AtomicLong lastCount = new AtomicLong(-1);
        AtomicLong queries = new AtomicLong();
        Thread reader = new Thread(() -> {
            while (running.get()) {
                try {
                    long n = client.query("swap", new SolrQuery("*:*").setRows(0)).getResults().getNumFound();
                    countsSeen.add(n);
                    lastCount.set(n);
                    queries.incrementAndGet();
                } catch (Exception e) {
                    failures.add(e);
                }
            }
        }, "alias-reader");
        reader.start();
        try {
            assertThat(provisioner.pointAlias(v2)).contains("swap_v1");
            await().atMost(Duration.ofSeconds(30)).until(() -> lastCount.get() == 70);
            assertThat(provisioner.rollbackAlias(v2, 1)).contains("swap_v2");
            await().atMost(Duration.ofSeconds(30)).until(() -> lastCount.get() == 30);
        } finally {
            running.set(false);
            reader.join(10_000);
        }

        assertThat(failures).isEmpty();
        assertThat(queries.get()).isPositive();
        assertThat(countsSeen).containsOnly(30L, 70L);
        assertThatThrownBy(() -> provisioner.deleteCollection("swap_v1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("alias swap");
        provisioner.deleteCollection("swap_v2");
        assertThat(provisioner.collectionExists("swap_v2")).isFalse();
        assertThat(provisioner.collectionExists("swap_v1")).isTrue();
    }

    private static void fill(SolrTargetConfig config, int rows) {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            events.add(Orders.snapshot(Orders.row("t" + (i % 7), i, i)));
        }
        try (SolrTargetSink sink = new SolrTargetSink(config.withCommitWithinMs(200), Orders.SCHEMA, client)) {
            assertThat(sink.apply(events)).isEmpty();
        }
        awaitCount(config.collectionName(), rows);
    }

    private static void awaitCount(String collection, long expected) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                client.query(collection, new SolrQuery("*:*").setRows(0)).getResults().getNumFound() == expected);
    }
}
