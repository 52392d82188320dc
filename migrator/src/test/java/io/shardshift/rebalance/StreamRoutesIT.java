package io.shardshift.rebalance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SearchTargetSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.devstack.DevKafka;
import io.shardshift.migrator.cli.RebalanceCommand;
import io.shardshift.migrator.http.ApiToken;
import io.shardshift.migrator.http.HttpApi;
import io.shardshift.migrator.http.RebalanceRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /v1/rebalance/stream/expand} and the stream rebalance's status, cutover and rollback over real HTTP
 * and the CLI, on a real Kafka broker: bad input names its fields, the topic gets its partitions, the route on
 * the config topic flips and flips back.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StreamRoutesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static DevKafka kafka;

    @TempDir
    static Path state;
    private static HttpApi api;
    private static RebalanceRegistry registry;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        kafka = DevKafka.start();
        kafka.createTopic("orders-events", 3);
        MigrationSpec base = SpecLoader.parse("""
                name: orders
                source: {jdbcUrl: "jdbc:postgresql://127.0.0.1:1/app", user: app, password: pw, slotName: base_slot}
                tables: [{name: public.orders}]
                kafka: {bootstrapServers: "%s", partitions: 4, replicationFactor: 1}
                targets:
                  - {name: pg_a, jdbcUrl: "jdbc:postgresql://127.0.0.1:2/app", user: app}
                layout: {generation: 2, shardKey: tenant_id, buckets: 8, targets: [pg_a]}
                """.formatted(kafka.bootstrapServers()), Map.of());
        registry = new RebalanceRegistry(base, state, new NoLauncher());
        api = HttpApi.create("127.0.0.1", 0, ApiToken.of("s3cret"));
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
        if (kafka != null) {
            kafka.close();
        }
    }

    private static HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url() + path.substring(1)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode status(String id) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api.url() + "v1/rebalance/status?id=" + id))
                .GET().header("Authorization", "Bearer s3cret").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void shouldRefuseWithoutTheTokenAndNameEveryBadField() throws Exception {
        assertThat(post("/v1/rebalance/stream/expand", "{\"topic\":\"orders-events\",\"new_partitions\":6}", null)
                .statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = post("/v1/rebalance/stream/expand", "{\"topic\":\"nope\",\"new_partitions\":6}", "s3cret");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("'topic'", "nope").doesNotContain("at io.shardshift");
        HttpResponse<String> notMultiple = post("/v1/rebalance/stream/expand",
                "{\"topic\":\"orders-events\",\"new_partitions\":4}", "s3cret");
        assertThat(notMultiple.statusCode()).isEqualTo(400);
        assertThat(notMultiple.body()).contains("'new_partitions'", "multiple");
        HttpResponse<String> fewer = post("/v1/rebalance/stream/expand", "{\"topic\":\"orders-events\",\"new_partitions\":2}", "s3cret");
        assertThat(fewer.statusCode()).isEqualTo(400);
        assertThat(fewer.body()).contains("'new_partitions'", "more than", "fewer than");
        HttpResponse<String> missing = post("/v1/rebalance/stream/expand", "{\"topic\":\"orders-events\"}", "s3cret");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("new_partitions");
        HttpResponse<String> badThrottle = post("/v1/rebalance/stream/expand",
                "{\"topic\":\"orders-events\",\"new_partitions\":4,\"throttle_bytes_per_second\":10}", "s3cret");
        assertThat(badThrottle.statusCode()).isEqualTo(400);
        assertThat(badThrottle.body()).contains("'new_partitions'", "'throttle_bytes_per_second'", "at least 1024");
        HttpResponse<String> throttleWithoutReassign = post("/v1/rebalance/stream/expand",
                "{\"topic\":\"orders-events\",\"new_partitions\":6,\"reassign\":false,"
                        + "\"throttle_bytes_per_second\":2048}", "s3cret");
        assertThat(throttleWithoutReassign.statusCode()).isEqualTo(400);
        assertThat(throttleWithoutReassign.body()).contains("'throttle_bytes_per_second'", "'reassign' is false");
    }

    @Test
    void shouldExpandCutOverAndRollBackThroughTheApiAndTheCommandLine() throws Exception {
        HttpResponse<String> started = post("/v1/rebalance/stream/expand",
                "{\"topic\":\"orders-events\",\"new_partitions\":6}", "s3cret");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = JSON.readTree(started.body()).path("id").asText();
        assertThat(JSON.readTree(started.body()).path("kind").asText()).isEqualTo("stream");
        await().atMost(Duration.ofSeconds(60)).until(() -> status(id).path("phase").asText().equals("expanded"));
        JsonNode expanded = status(id);
        assertThat(expanded.path("partitions").asInt()).isEqualTo(6);
        assertThat(expanded.path("route").asText()).isEqualTo("old");
        assertThat(expanded.path("livePartitions").asInt()).isEqualTo(3);
        assertThat(expanded.path("reassignment").path("state").asText()).as("one broker: no reassignment by default")
                .isEqualTo("not run");
        assertThat(expanded.path("reassignment").path("requested").asBoolean(true)).isFalse();

        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new RebalanceCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out));
        int cut = cli.execute("stream", "cutover", "--url", api.url().toString(), "--token", "s3cret", "--id", id);
        assertThat(cut).as(out.toString()).isZero();
        JsonNode afterCutover = status(id);
        assertThat(afterCutover.path("phase").asText()).isEqualTo("cut-over");
        assertThat(afterCutover.path("route").asText()).isEqualTo("new");
        assertThat(afterCutover.path("livePartitions").asInt()).isEqualTo(6);
        assertThat(afterCutover.path("fence").size()).isEqualTo(6);

        HttpResponse<String> again = post("/v1/rebalance/cutover", "{\"id\":\"" + id + "\"}", "s3cret");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("precheck", "already");

        HttpResponse<String> back = post("/v1/rebalance/rollback", "{\"id\":\"" + id + "\",\"reason\":\"test\"}", "s3cret");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        JsonNode afterRollback = status(id);
        assertThat(afterRollback.path("phase").asText()).isEqualTo("rolled-back");
        assertThat(afterRollback.path("route").asText()).isEqualTo("old");
        assertThat(afterRollback.path("livePartitions").asInt()).isEqualTo(3);
        assertThat(afterRollback.path("routeGeneration").asInt()).isEqualTo(3);
    }

    /** Starts no migration: a stream rebalance needs none. */
    private static final class NoLauncher implements RebalanceLauncher {
        @Override
        public void checkColumn(MigrationSpec base, TableId table, String column, String field) {
            throw new UnsupportedOperationException("not in this test");
        }

        @Override
        public int freeVersion(SearchTargetSpec entry, int atLeast) {
            throw new UnsupportedOperationException("not in this test");
        }

        @Override
        public Launched launch(MigrationSpec spec, Path stateDir, long previousGeneration) {
            throw new UnsupportedOperationException("not in this test");
        }
    }
}
