package io.shardshift.rebalance;

import io.shardshift.migrator.http.RebalanceRoutes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.client.ConfigFollower;
import io.shardshift.client.ConfigKeys;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.DemoStack;
import io.shardshift.migrator.http.ApiToken;
import io.shardshift.migrator.http.HttpApi;
import io.shardshift.sink.solr.SolrClients;
import io.shardshift.sink.solr.SolrDocuments;
import io.shardshift.sink.solr.SolrProvisioner;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rebalance API as {@code shardshift serve} runs it (registry, routes, HTTP API, nothing started until
 * asked) over the real stack: source, targets pg_a and pg_b, Kafka and SolrCloud. A tenant rehome moves
 * the hot tenant's rows alone to pg_b, cuts over and rolls back; a search rebalance re-indexes the orders
 * collection into a new version routed by another column and moves the alias to it.
 */
@Tag("slow")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RebalanceIT {
    private static final String TOKEN = "it-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static DemoStack stack;
    static MigrationSpec base;
    static RebalanceRegistry registry;
    static HttpApi api;

    @BeforeAll
    static void start() throws Exception {
        stack = DemoStack.start(true);
        try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
            DemoSource.create(c, 4_000);
        }
        base = SpecLoader.parse(stack.specYaml("base", 200) + "cutover: {maxLagMillis: 5000, stableFor: 1s, gateTimeout: 60s}\n",
                Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));
        Path state = Files.createTempDirectory("rebalance-it");
        registry = new RebalanceRegistry(base, state, new LiveLauncher());
        api = HttpApi.create("127.0.0.1", 0, ApiToken.of(TOKEN));
        RebalanceRoutes.register(api, registry);
        api.start();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldRehomeOneTenantToAnotherInstanceCutOverAndRollBack() throws Exception {
        HttpResponse<String> started = post("/v1/rebalance/db/rehome", "{\"tenant\":\"acme\",\"target_instance\":\"pg_b\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = JSON.readTree(started.body()).path("id").asText();
        awaitPhase(id, "streaming", Duration.ofSeconds(50));

        try (Connection src = stack.source().connect(DemoStack.DATABASE); Statement st = src.createStatement()) {
            st.executeUpdate("UPDATE public.orders SET note = 'moved while streaming' WHERE tenant_id = 'acme' AND id % 50 = 0");
            st.executeUpdate("INSERT INTO public.orders (tenant_id, customer, status, amount, created_at, note) "
                    + "VALUES ('acme', 'late', 'new', 1.5, now(), 'inserted while streaming'), "
                    + "('globex', 'late', 'new', 2.5, now(), 'stays on the source')");
        }
        HttpResponse<String> cutover = post("/v1/rebalance/cutover", "{\"id\":\"" + id + "\"}");
        assertThat(cutover.statusCode()).as(cutover.body()).isEqualTo(200);
        assertThat(JSON.readTree(cutover.body()).path("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(status(id).path("phase").asText()).isEqualTo("cut-over");

        try (Connection src = stack.source().connect(DemoStack.DATABASE);
             Connection pgB = stack.targets().get(1).connect(DemoStack.DATABASE)) {
            List<String> onSource = rows(src, "tenant_id = 'acme'");
            assertThat(onSource).hasSizeGreaterThan(1_000).anyMatch(r -> r.contains("inserted while streaming"));
            assertThat(rows(pgB, "tenant_id = 'acme'")).as("acme's rows on pg_b").isEqualTo(onSource);
            assertThat(rows(pgB, "tenant_id <> 'acme'")).as("rows of other tenants on pg_b").isEmpty();
        }

        try (ConfigFollower config = ConfigFollower.start(base.kafka().bootstrapServers(),
                ConfigKeys.topic(base.topicPrefix()), Map.of())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> config.value(ConfigKeys.DB_REHOME_ROLLBACK)
                    .map(v -> v.path("tenant").asText().equals("acme") && v.path("to").asText().equals("pg_b")
                            && !v.path("rolledBack").asBoolean(true)).orElse(false));

            HttpResponse<String> rollback = post("/v1/rebalance/rollback", "{\"id\":\"" + id + "\",\"reason\":\"it\"}");
            assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
            assertThat(status(id).path("phase").asText()).isEqualTo("rolled-back");
            await().atMost(Duration.ofSeconds(20)).until(() -> config.value(ConfigKeys.DB_REHOME_ROLLBACK)
                    .map(v -> v.path("rolledBack").asBoolean(false)).orElse(false));
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldReindexACollectionByAnotherRoutingColumnAndMoveTheAliasAtCutover() throws Exception {
        HttpResponse<String> started = post("/v1/rebalance/search/start",
                "{\"collection\":\"orders\",\"routing\":\"customer\",\"dual_write\":true}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode body = JSON.readTree(started.body());
        String id = body.path("id").asText();
        String collection = body.path("spec").path("search").get(0).path("newCollection").asText();
        awaitPhase(id, "streaming", Duration.ofSeconds(60));

        HttpResponse<String> cutover = post("/v1/rebalance/cutover", "{\"id\":\"" + id + "\"}");
        assertThat(cutover.statusCode()).as(cutover.body()).isEqualTo(200);

        try (CloudSolrClient solr = SolrClients.forZkHost(stack.solr().zkHost());
             Connection src = stack.source().connect(DemoStack.DATABASE);
             ConfigFollower config = ConfigFollower.start(base.kafka().bootstrapServers(),
                     ConfigKeys.topic(base.topicPrefix()), Map.of())) {
            assertThat(new SolrProvisioner(solr).aliasTarget("orders")).contains(collection);
            solr.commit(collection, true, true, true);
            SolrQuery live = new SolrQuery("*:*").setRows(1).addFilterQuery("-" + SolrDocuments.DELETED_FIELD + ":true");
            assertThat(solr.query("orders", live).getResults().getNumFound()).as("documents the alias serves")
                    .isEqualTo(count(src));
            SolrQuery one = new SolrQuery("customer:*").setRows(1).setFields("id", "customer");
            var doc = solr.query(collection, one).getResults().get(0);
            assertThat(String.valueOf(doc.getFieldValue("id"))).as("compositeId prefix is the routing column")
                    .startsWith(doc.getFieldValue("customer") + "!");
            await().atMost(Duration.ofSeconds(20)).until(() -> config.value(ConfigKeys.SEARCH_REBALANCE_CUTOVER)
                    .map(v -> v.path("state").asText().equals("cut-over")).orElse(false));
            JsonNode flag = config.value(ConfigKeys.SEARCH_REBALANCE_CUTOVER).orElseThrow();
            assertThat(flag.path("new_collection").asText()).isEqualTo(collection);
            assertThat(flag.path("dual_write").asBoolean()).isTrue();
        }
    }

    private static List<String> rows(Connection c, String where) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, tenant_id, customer, status, amount, note FROM public.orders WHERE "
                     + where + " ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4) + "|"
                        + rs.getString(5) + "|" + rs.getString(6));
            }
        }
        return out;
    }

    private static long count(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM public.orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitPhase(String id, String phase, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode s = status(id);
            assertThat(s.path("phase").asText()).as("status of %s: %s", id, s).isNotEqualTo("failed");
            assertThat(s.path("phase").asText()).isEqualTo(phase);
        });
    }

    private static JsonNode status(String id) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api.url() + "v1/rebalance/status?id=" + id))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(api.url() + path.substring(1)))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(80)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
