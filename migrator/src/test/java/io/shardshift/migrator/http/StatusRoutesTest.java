package io.shardshift.migrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardshift.cutover.SwitchKind;
import io.shardshift.engine.metrics.LagSample;
import io.shardshift.engine.metrics.MigrationMetrics;
import io.shardshift.engine.metrics.MigrationStatus;
import io.shardshift.engine.metrics.Samples;
import io.shardshift.engine.metrics.StatusSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class StatusRoutesTest {
    /** A fixed migration "demo": three samples, one a second. */
    static final class FixedStatus implements StatusSource {
        final List<LagSample> samples = List.of(Samples.at(1000, 7), Samples.at(2000, 5), Samples.at(3000, 2));

        @Override
        public String migrationId() {
            return "demo";
        }

        @Override
        public MigrationStatus status() {
            return new MigrationStatus("demo", MigrationStatus.BACKFILL, null, samples.get(2), null);
        }

        @Override
        public List<LagSample> history(long sinceMillis) {
            return samples.stream().filter(s -> s.takenAtMillis() > sinceMillis).toList();
        }
    }

    HttpApi api;
    final AtomicReference<CutoverView> cutover = new AtomicReference<>(CutoverView.EMPTY);

    @BeforeEach
    void start() {
        FixedStatus status = new FixedStatus();
        MigrationMetrics metrics = new MigrationMetrics("demo", () -> status.samples.get(2));
        metrics.addMetersFor(status.samples.get(2));
        api = HttpApi.create("127.0.0.1", 0, ApiToken.of("t"));
        StatusRoutes.register(api, status, metrics, cutover::get);
        api.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void shouldAnswerTheStatusWithPhaseBackfillLagPerTargetAndPartitionDeadLettersAndLatency() throws Exception {
        HttpResponse<String> r = Http.get(api.url(), "/v1/rebalance/status", "t");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode s = Http.json(r);
        assertThat(s.get("id").asText()).isEqualTo("demo");
        assertThat(s.get("phase").asText()).isEqualTo("backfill");
        assertThat(s.at("/source/walLsn").asText()).isEqualTo("0/3000000");
        assertThat(s.at("/source/slotRetainedWalBytes").asLong()).isEqualTo(4096);
        assertThat(s.at("/source/slotWalStatus").asText()).isEqualTo("reserved");
        assertThat(s.at("/backfill/0/table").asText()).isEqualTo("public.orders");
        assertThat(s.at("/backfill/0/fraction").asDouble()).isEqualTo(0.5);
        assertThat(s.at("/targets/1/target").asText()).isEqualTo("pg_b");
        assertThat(s.at("/targets/1/appliedLsn").asText()).isEqualTo("0/2E00000");
        assertThat(s.at("/targets/1/lagBytes").asLong()).isEqualTo(0x200000L);
        assertThat(s.at("/targets/1/lagSeconds").asDouble()).isEqualTo(2.5);
        assertThat(s.at("/targets/1/latency/p99Millis").asLong()).isEqualTo(130);
        assertThat(s.at("/partitions/0/lag").asLong()).isEqualTo(2);
        assertThat(s.at("/partitions/0/partition").asInt()).isZero();
        assertThat(s.get("consumerLagTotal").asLong()).isEqualTo(5);
        assertThat(s.at("/deadLetters/topicEvents").asLong()).isEqualTo(2);
    }

    @Test
    void shouldAnswerTheStatusOfTheMigrationNamedById() throws Exception {
        assertThat(Http.get(api.url(), "/v1/rebalance/status?id=demo", "t").statusCode()).isEqualTo(200);
        HttpResponse<String> other = Http.get(api.url(), "/v1/rebalance/status?id=other", "t");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(Http.json(other).get("reason").asText()).contains("'other'", "'demo'");
    }

    @Test
    void shouldAnswerTheLagHistoryAsColumnsSinceAGivenTime() throws Exception {
        JsonNode all = Http.json(Http.get(api.url(), "/v1/lag/history", "t"));
        assertThat(all.get("t")).hasSize(3);
        assertThat(all.at("/targets/pg_a/lagSeconds")).hasSize(3);
        assertThat(all.at("/partitions/shardshift.demo.public.orders-0").toString()).isEqualTo("[7,5,2]");

        JsonNode recent = Http.json(Http.get(api.url(), "/v1/lag/history?since=1000", "t"));
        assertThat(recent.get("t").toString()).isEqualTo("[2000,3000]");

        HttpResponse<String> bad = Http.get(api.url(), "/v1/lag/history?since=yesterday", "t");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Http.json(bad).get("reason").asText()).contains("'since'");
    }

    @Test
    void shouldAnswerNoGatesUntilACutoverViewIsGivenThenItsState() throws Exception {
        JsonNode empty = Http.json(Http.get(api.url(), "/v1/cutover", "t"));
        assertThat(empty.get("gates")).isEmpty();
        assertThat(empty.get("history")).isEmpty();

        cutover.set(() -> new CutoverView.State("ready", List.of(new CutoverView.Gate("lag", true, "0 events behind")),
                List.of(new CutoverView.Event(5, SwitchKind.CUTOVER, "refused", "dead letters"))));
        JsonNode state = Http.json(Http.get(api.url(), "/v1/cutover", "t"));
        assertThat(state.at("/gates/0/name").asText()).isEqualTo("lag");
        assertThat(state.at("/gates/0/passed").asBoolean()).isTrue();
        assertThat(state.at("/history/0/outcome").asText()).isEqualTo("refused");
    }

    @Test
    void shouldServePrometheusMetrics() throws Exception {
        HttpResponse<String> r = Http.get(api.url(), "/metrics", "t");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
        assertThat(r.body()).contains("shardshift_target_lag_seconds{migration=\"demo\",target=\"pg_a\"} 1.5");
    }

    @Test
    void shouldServeTheDashboardPageAndItsScript() throws Exception {
        HttpResponse<String> page = Http.get(api.url(), "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("chart-lag-seconds", "btn-cutover", "btn-rollback", "/dashboard.js");
        HttpResponse<String> script = Http.get(api.url(), "/dashboard.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.body()).contains("/v1/rebalance/cutover".substring(0, 14), "Authorization");
    }

    @Test
    void shouldRefuseEveryDataRouteWithoutTheTokenButServeTheDashboardFilesAndHealthz() throws Exception {
        for (String path : List.of("/v1/rebalance/status", "/v1/lag/history", "/v1/cutover", "/metrics")) {
            HttpResponse<String> r = Http.get(api.url(), path);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(Http.json(r).get("error").asText()).isEqualTo("unauthorized");
            assertThat(Http.get(api.url(), path, "wrong").statusCode()).as(path + " with a wrong token").isEqualTo(401);
        }
        for (String path : List.of("/", "/dashboard.js", "/dashboard.css", "/healthz")) {
            assertThat(Http.get(api.url(), path).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(Http.get(api.url(), "/healthz").body()).isEqualTo("{\"ok\":true}");
    }

    @Test
    void shouldAnswer404ForCutoverPostsUntilTheyAreRegistered() throws Exception {
        HttpResponse<String> r = Http.post(api.url(), "/v1/rebalance/cutover", "{}", "t");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Http.json(r).get("error").asText()).isEqualTo("not_found");
    }
}
