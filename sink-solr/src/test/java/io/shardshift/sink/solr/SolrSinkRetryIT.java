package io.shardshift.sink.solr;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.devstack.DevSolr;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SolrSinkRetryIT {
    private static DevSolr solr;
    private static CloudSolrClient client;

    @BeforeAll
    static void startSolr() {
        solr = DevSolr.start(2);
        client = solr.client();
    }

    @AfterAll
    static void stopSolr() {
        if (solr != null) {
            solr.close();
        }
    }

    @Test
    void shouldRetryThroughANodeOutageAndApplyEverythingOnce() throws Exception {
        SolrTargetConfig config = new SolrTargetConfig("orders-search", solr.zkHost(), null, "outage", 1, 2, 1,
                "public.orders", "tenant_id", null, null, 200, 100, 12, 200);
        SolrProvisioner provisioner = new SolrProvisioner(client);
        provisioner.createCollection(config, Orders.SCHEMA);
        provisioner.pointAlias(config);
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            events.add(Orders.insert(Orders.row("t" + (i % 11), i, i), 1000 + i));
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (SolrTargetSink sink = new SolrTargetSink(config, Orders.SCHEMA, client)) {
            assertThat(sink.apply(events.subList(0, 100))).isEmpty();
            solr.stopNode(1);
            ScheduledFuture<?> restart = scheduler.schedule(() -> solr.restartNode(1), 3, TimeUnit.SECONDS);

            assertThat(sink.apply(events)).isEmpty();

            restart.get(60, TimeUnit.SECONDS);
        } finally {
            scheduler.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                client.query("outage", new SolrQuery("*:*").setRows(0)).getResults().getNumFound() == 300);
    }
}
