package io.shardshift.plan.gather;

import io.shardshift.core.layout.Layout;
import io.shardshift.devstack.DevSolr;
import io.shardshift.plan.report.Finding;
import io.shardshift.plan.report.Signal;
import io.shardshift.plan.report.SkewAnalyzer;
import io.shardshift.plan.report.SkewReport;
import io.shardshift.plan.report.Thresholds;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.cloud.DocCollection;
import org.apache.solr.common.params.ModifiableSolrParams;
import org.apache.solr.common.util.ContentStreamBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Solr gatherer against a real SolrCloud (3 shards on 2 nodes) while every query goes to one tenant's
 * shard with a filter that never repeats: the report flags that shard's query rate and its filter cache. The
 * collection is read through its alias, as a spec's search target names it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SolrLoadGathererIT {
    private static final String COLLECTION = "plan_docs_v1";
    private static final String ALIAS = "plan_docs";
    private static DevSolr solr;

    @BeforeAll
    static void startSolr() throws Exception {
        System.setProperty("metricsEnabled", "true");
        solr = DevSolr.start(2);
        CloudSolrClient client = solr.client();
        new ConfigSetAdminRequest.Upload().setConfigSetName(COLLECTION)
                .setUploadStream(new ContentStreamBase.ByteArrayStream(configSet(), COLLECTION + ".zip", "application/zip"))
                .process(client);
        CollectionAdminRequest.Create create = CollectionAdminRequest.createCollection(COLLECTION, COLLECTION, 3, 1)
                .setRouterName("compositeId");
        create.setWaitForFinalState(true);
        create.process(client);
        List<SolrInputDocument> docs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            docs.add(doc("acme!" + i, "acme"));
        }
        for (int i = 0; i < 60; i++) {
            docs.add(doc("t" + (i % 10) + "!" + i, "t" + (i % 10)));
        }
        client.add(COLLECTION, docs);
        client.commit(COLLECTION);
        CollectionAdminRequest.createAlias(ALIAS, COLLECTION).process(client);
    }

    @AfterAll
    static void stopSolr() {
        if (solr != null) {
            solr.close();
        }
    }

    @Test
    void shouldFlagTheShardServingEveryQueryAndItsColdFilterCache() throws Exception {
        CloudSolrClient client = solr.client();
        DocCollection collection = client.getClusterState().getCollection(COLLECTION);
        String acmeShard = collection.getRouter().getTargetSlice("acme!0", null, null, null, collection).getName();
        AtomicInteger n = new AtomicInteger();
        ScheduledExecutorService queries = Executors.newSingleThreadScheduledExecutor();
        queries.scheduleAtFixedRate(() -> {
            ModifiableSolrParams p = new ModifiableSolrParams();
            p.set("q", "*:*");
            p.set("fq", "{!term f=id}acme!" + n.incrementAndGet());
            p.set("_route_", "acme!");
            try {
                client.query(COLLECTION, p);
            } catch (SolrServerException | IOException e) {
                throw new IllegalStateException("query failed", e);
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
        SolrLoad load;
        try {
            load = new SolrLoadGatherer(solr.baseUrls().get(0), Duration.ofSeconds(15)).gather(ALIAS, Duration.ofSeconds(2));
        } finally {
            queries.shutdownNow();
            queries.awaitTermination(10, TimeUnit.SECONDS);
        }

        assertThat(load.collection()).isEqualTo(COLLECTION);
        assertThat(load.cores()).hasSize(3);
        assertThat(load.docsPerShard()).hasSize(3);
        assertThat(load.docsPerShard().values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(360.0);
        assertThat(load.docsPerShard().get(acmeShard)).isGreaterThanOrEqualTo(300.0);
        assertThat(load.queriesPerShard().get(acmeShard)).isPositive();

        Layout layout = Layout.evenRanges(1, "tenant_id", 4, List.of("pg_a"), Map.of());
        SkewReport report = new SkewAnalyzer(Thresholds.defaults()).analyze(layout,
                new PostgresLoad(List.of(), Duration.ofSeconds(2)), null, load);
        assertThat(report.findings(Signal.SHARD_RATE_SKEW)).extracting(Finding::subject)
                .containsExactly("solr shard " + acmeShard);
        assertThat(report.findings(Signal.FILTER_CACHE_HIT_RATIO)).extracting(Finding::subject)
                .singleElement().asString().startsWith("solr core " + acmeShard + "/");
    }

    private static SolrInputDocument doc(String id, String tenant) {
        SolrInputDocument d = new SolrInputDocument();
        d.addField("id", id);
        d.addField("tenant", tenant);
        return d;
    }

    /** A minimal config set: string id and tenant, a filter cache that does not autowarm. */
    private static byte[] configSet() throws IOException {
        String solrconfig = "<config><luceneMatchVersion>LATEST</luceneMatchVersion><dataDir>${solr.data.dir:}</dataDir>"
                + "<schemaFactory class=\"ClassicIndexSchemaFactory\"/>"
                + "<updateHandler class=\"solr.DirectUpdateHandler2\"><updateLog/></updateHandler>"
                + "<query><filterCache size=\"512\" initialSize=\"512\" autowarmCount=\"0\"/></query>"
                + "<requestHandler name=\"/select\" class=\"solr.SearchHandler\"/></config>";
        String schema = "<schema name=\"plan\" version=\"1.6\"><fieldType name=\"string\" class=\"solr.StrField\"/>"
                + "<fieldType name=\"plong\" class=\"solr.LongPointField\" docValues=\"true\"/>"
                + "<field name=\"id\" type=\"string\" indexed=\"true\" stored=\"true\" required=\"true\"/>"
                + "<field name=\"_version_\" type=\"plong\" indexed=\"false\" stored=\"false\"/>"
                + "<field name=\"tenant\" type=\"string\" indexed=\"true\" stored=\"true\"/>"
                + "<uniqueKey>id</uniqueKey></schema>";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("solrconfig.xml"));
            zip.write(solrconfig.getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("schema.xml"));
            zip.write(schema.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
