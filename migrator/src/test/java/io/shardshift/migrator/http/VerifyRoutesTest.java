package io.shardshift.migrator.http;

import io.shardshift.core.verify.CompareReport;
import com.fasterxml.jackson.databind.JsonNode;
import io.shardshift.core.verify.CompareReport.Kind;
import io.shardshift.core.verify.CompareReport.Mismatch;
import io.shardshift.verify.VerifyOptions;
import io.shardshift.verify.VerifyReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class VerifyRoutesTest {
    static final VerifyReport DIRTY = new VerifyReport("demo", List.of(new VerifyReport.TableResult("public.orders",
            30_000, 3, 1, 1, List.of(new Mismatch(Kind.MISSING_IN_TARGET, "(42)", "expected in pg_a")), 0, List.of(),
            List.of(new VerifyReport.SearchResult("orders_search", "orders_v2", 30_000, 3, 1,
                    List.of(new Mismatch(Kind.EXTRA_IN_TARGET, "umbrella!-100", "key (-100): not in the source")), 0, List.of())))),
            900);

    HttpApi api;
    VerifyRoutes routes;
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicReference<VerifyOptions> asked = new AtomicReference<>();

    @BeforeEach
    void start() {
        api = HttpApi.create("127.0.0.1", 0, ApiToken.of("t"));
        routes = VerifyRoutes.register(api, opts -> {
            asked.set(opts);
            assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            return DIRTY;
        }, VerifyOptions.defaults());
        api.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        routes.close();
        api.close();
    }

    @Test
    void shouldRefuseTheLastReportWithoutTheToken() throws Exception {
        HttpResponse<String> r = Http.get(api.url(), "/v1/verify");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("running", "last");
    }

    @Test
    void shouldAnswerNoLastRunBeforeAnyVerify() throws Exception {
        HttpResponse<String> r = Http.get(api.url(), "/v1/verify", "t");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Http.json(r);
        assertThat(body.get("running").asBoolean()).isFalse();
        assertThat(body.get("last").isNull()).isTrue();
    }

    @Test
    void shouldRequireTheTokenToStartAVerify() throws Exception {
        assertThat(Http.post(api.url(), "/v1/verify", "", null).statusCode()).isEqualTo(401);
        assertThat(Http.post(api.url(), "/v1/verify", "", "wrong").statusCode()).isEqualTo(401);
        assertThat(routes.running()).isFalse();
    }

    @Test
    void shouldRunAVerifyInTheBackgroundAndAnswerItsReportWithItsTime() throws Exception {
        HttpResponse<String> started = Http.post(api.url(), "/v1/verify?repair=true&tenant=acme", "", "t");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(Http.json(Http.get(api.url(), "/v1/verify", "t")).get("running").asBoolean()).isTrue();
        HttpResponse<String> again = Http.post(api.url(), "/v1/verify", "", "t");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(Http.json(again).get("reason").asText()).contains("already running");

        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> !Http.json(Http.get(api.url(), "/v1/verify", "t")).get("running").asBoolean());
        JsonNode body = Http.json(Http.get(api.url(), "/v1/verify", "t"));
        assertThat(asked.get().repair()).isTrue();
        assertThat(asked.get().tenant()).isEqualTo("acme");
        assertThat(body.at("/last/startedAt").asText()).endsWith("Z");
        assertThat(body.at("/last/finishedAt").asText()).endsWith("Z");
        assertThat(body.at("/last/repair").asBoolean()).isTrue();
        assertThat(body.at("/last/report/clean").asBoolean()).isFalse();
        assertThat(body.at("/last/report/tables/0/rowsCompared").asLong()).isEqualTo(30_000);
        assertThat(body.at("/last/report/tables/0/mismatchesByKind/MISSING_IN_TARGET").asLong()).isEqualTo(1);
        assertThat(body.at("/last/report/tables/0/mismatches/0/key").asText()).isEqualTo("(42)");
        assertThat(body.at("/last/report/tables/0/search/0/target").asText()).isEqualTo("orders_search");
        assertThat(body.at("/last/report/tables/0/search/0/mismatches/0/key").asText()).isEqualTo("umbrella!-100");
        assertThat(body.get("error").isNull()).isTrue();
    }
}
