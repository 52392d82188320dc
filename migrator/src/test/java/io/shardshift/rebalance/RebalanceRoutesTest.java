package io.shardshift.rebalance;



import io.shardshift.migrator.http.RebalanceRoutes;
import io.shardshift.migrator.http.ApiToken;
import io.shardshift.migrator.http.HttpApi;
import io.shardshift.migrator.http.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SearchTargetSpec;
import io.shardshift.migrator.cli.RebalanceCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rebalance routes' request checks and answers over real HTTP, with a launcher that starts nothing: a
 * launch waits until the test lets it fail, so a rebalance stays "starting" meanwhile.
 */
class RebalanceRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;
    private HttpApi api;
    private RebalanceRegistry registry;
    private final FakeLauncher launcher = new FakeLauncher();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        MigrationSpec base = BaseSpecs.orders("orders", null);
        registry = new RebalanceRegistry(base, state, launcher, new RebalanceFlags(base));
        api = HttpApi.create("127.0.0.1", 0, ApiToken.of("s3cret"));
        RebalanceRoutes.register(api, registry);
        api.start();
    }

    @AfterEach
    void stop() {
        launcher.release.countDown();
        api.close();
        registry.close();
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url() + path.substring(1)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.url() + path.substring(1))).GET()
                .header("Authorization", "Bearer s3cret").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldRefuseTheStatusAndListWithoutTheToken() throws Exception {
        for (String path : java.util.List.of("v1/rebalance/status?id=orders_rehome_1", "v1/rebalance")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api.url() + path)).GET()
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(401);
        }
    }

    @Test
    void shouldRefuseAStartWithoutTheToken() throws Exception {
        HttpResponse<String> r = post("/v1/rebalance/db/rehome", "{\"tenant\":\"acme\",\"target_instance\":\"pg_b\"}", null);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).path("reason").asText()).contains("token");
        assertThat(launcher.launched).isEmpty();
    }

    @Test
    void shouldNameTargetInstanceWhenItIsNotInTheBaseSpec() throws Exception {
        HttpResponse<String> r = post("/v1/rebalance/db/rehome", "{\"tenant\":\"acme\",\"target_instance\":\"pg_z\"}", "s3cret");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("reason").asText()).contains("target_instance", "pg_z");
        assertThat(launcher.launched).isEmpty();
    }

    @Test
    void shouldNameTheMissingFieldOfARehome() throws Exception {
        HttpResponse<String> r = post("/v1/rebalance/db/rehome", "{\"target_instance\":\"pg_b\"}", "s3cret");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("tenant");
    }

    @Test
    void shouldAnswerNotFoundForAnUnknownCollection() throws Exception {
        HttpResponse<String> r = post("/v1/rebalance/search/start", "{\"collection\":\"invoices\",\"routing\":\"customer\"}", "s3cret");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).path("reason").asText()).contains("invoices");
    }

    @Test
    void shouldNameRoutingWhenItIsNotAnIdentifierOrNotAColumn() throws Exception {
        HttpResponse<String> bad = post("/v1/rebalance/search/start", "{\"collection\":\"orders\",\"routing\":\"a-b\"}", "s3cret");
        HttpResponse<String> missing = post("/v1/rebalance/search/start", "{\"collection\":\"orders\",\"routing\":\"colour\"}", "s3cret");

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("reason").asText()).contains("'routing'", "a-b");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(missing.body()).path("reason").asText()).contains("'routing'", "colour");
        assertThat(launcher.launched).isEmpty();
    }

    @Test
    void shouldAcceptARehomeAndRefuseASecondOfTheSameTenantWhileItRuns() throws Exception {
        HttpResponse<String> first = post("/v1/rebalance/db/rehome", "{\"tenant\":\"acme\",\"target_instance\":\"pg_b\"}", "s3cret");

        assertThat(first.statusCode()).isEqualTo(202);
        JsonNode body = JSON.readTree(first.body());
        assertThat(body.path("id").asText()).isEqualTo("orders_rehome_1");
        assertThat(body.path("kind").asText()).isEqualTo("db");
        assertThat(body.path("status_url").asText()).isEqualTo("/v1/rebalance/status?id=orders_rehome_1");
        assertThat(body.path("spec").path("tenants").get(0).asText()).isEqualTo("acme");
        assertThat(body.path("spec").path("layout").path("generation").asLong()).isEqualTo(3);

        HttpResponse<String> again = post("/v1/rebalance/db/rehome", "{\"tenant\":\"acme\",\"target_instance\":\"pg_a\"}", "s3cret");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("orders_rehome_1");
        HttpResponse<String> other = post("/v1/rebalance/db/rehome", "{\"tenant\":\"globex\",\"target_instance\":\"pg_a\"}", "s3cret");
        assertThat(other.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(other.body()).path("id").asText()).isEqualTo("orders_rehome_2");
        assertThat(Files.readString(state.resolve("rebalance.seq")).strip()).isEqualTo("2");

        JsonNode status = JSON.readTree(get("/v1/rebalance/status?id=orders_rehome_1").body());
        assertThat(status.path("phase").asText()).isEqualTo("starting");
        HttpResponse<String> early = post("/v1/rebalance/cutover", "{\"id\":\"orders_rehome_1\"}", "s3cret");
        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(early.body()).contains("still starting");

        launcher.release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(get("/v1/rebalance/status?id=orders_rehome_1").body())
                .path("phase").asText().equals("failed"));
        assertThat(JSON.readTree(get("/v1/rebalance/status?id=orders_rehome_1").body()).path("failure").asText())
                .contains("no stack");
        assertThat(post("/v1/rebalance/db/rehome", "{\"tenant\":\"acme\",\"target_instance\":\"pg_b\"}", "s3cret")
                .statusCode()).as("a failed rehome no longer blocks the tenant").isEqualTo(202);
        assertThat(JSON.readTree(get("/v1/rebalance").body()).path("rebalances")).hasSize(3);
    }

    @Test
    void shouldAcceptASearchStartWithTheNextVersion() throws Exception {
        HttpResponse<String> r = post("/v1/rebalance/search/start",
                "{\"collection\":\"orders\",\"routing\":\"customer\",\"dual_write\":true}", "s3cret");

        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("id").asText()).isEqualTo("orders_search_1");
        assertThat(body.path("spec").path("search").get(0).path("newCollection").asText()).isEqualTo("orders_v3");
        assertThat(body.path("spec").path("search").get(0).path("routing").asText()).isEqualTo("customer");
    }

    @Test
    void shouldNameTheIdOfAnUnknownRebalance() throws Exception {
        HttpResponse<String> status = get("/v1/rebalance/status?id=nope");
        HttpResponse<String> rollback = post("/v1/rebalance/rollback", "{\"id\":\"nope\"}", "s3cret");

        assertThat(status.statusCode()).isEqualTo(404);
        assertThat(status.body()).contains("nope");
        assertThat(rollback.statusCode()).isEqualTo(404);
        assertThat(get("/v1/rebalance/status").statusCode()).as("no id and no migration to default to").isEqualTo(400);
    }

    @Test
    void shouldStartARehomeFromTheCommandLineAndReportBadInputWithExitCodeTwo() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new RebalanceCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        int ok = cli.execute("db", "start", "--url", api.url().toString(), "--token", "s3cret", "--tenant", "acme",
                "--target-instance", "pg_b");
        int bad = cli.execute("db", "start", "--url", api.url().toString(), "--token", "s3cret", "--tenant", "acme",
                "--target-instance", "pg_z");
        int cutover = cli.execute("cutover", "--url", api.url().toString(), "--token", "s3cret", "--id", "orders_rehome_1");

        assertThat(ok).isZero();
        assertThat(out.toString()).contains("orders_rehome_1");
        assertThat(bad).isEqualTo(2);
        assertThat(err.toString()).contains("400", "target_instance");
        assertThat(cutover).as("still starting: refused").isEqualTo(1);
    }

    /** Checks columns against a fixed list; a launch waits for {@link #release}, then fails. */
    static final class FakeLauncher implements RebalanceLauncher {
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> launched = new CopyOnWriteArrayList<>();

        @Override
        public void checkColumn(MigrationSpec base, TableId table, String column, String field) {
            if (!Set.of("tenant_id", "customer", "status").contains(column)) {
                throw ApiException.badRequest("'" + field + "': table " + table + " has no column '" + column + "'");
            }
        }

        @Override
        public int freeVersion(SearchTargetSpec entry, int atLeast) {
            return atLeast;
        }

        @Override
        public Launched launch(MigrationSpec spec, Path stateDir, long previousGeneration) throws Exception {
            launched.add(spec.name());
            release.await(30, TimeUnit.SECONDS);
            throw new IllegalStateException("no stack in a unit test");
        }
    }
}
