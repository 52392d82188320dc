package io.shardshift.migrator.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HttpApiTest {
    static final String TOKEN = "s3cret-token";

    record CutoverRequest(@JsonProperty(required = true) String id, int generation) {
    }

    HttpApi api;

    @BeforeEach
    void start() {
        api = HttpApi.create("127.0.0.1", 0, ApiToken.of(TOKEN));
        api.route("GET", "/v1/ping", request -> ApiResponse.json(Map.of("pong", true)));
        api.openRoute("GET", "/healthz", request -> ApiResponse.json(Map.of("ok", true)));
        api.route("POST", "/v1/rebalance/cutover", request -> {
            CutoverRequest body = request.body(CutoverRequest.class);
            return ApiResponse.json(Map.of("id", body.id(), "generation", body.generation()));
        });
        api.route("POST", "/v1/refuse", request -> {
            throw ApiException.conflict("gate 'lag' is not passed");
        });
        api.route("GET", "/v1/boom", request -> {
            throw new IllegalStateException("kaput");
        });
        api.route("GET", "/v1/leak", request -> {
            throw new IllegalStateException("cannot reach jdbc:postgresql://app:hunter2@db/app?password=hunter2");
        });
        api.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void shouldAnswerADataRouteWithTheToken() throws Exception {
        HttpResponse<String> r = Http.get(api.url(), "/v1/ping", TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(ApiResponse.JSON);
        assertThat(Http.json(r).get("pong").asBoolean()).isTrue();
    }

    @Test
    void shouldRefuseADataRouteWithoutATokenWith401Json() throws Exception {
        assertError(Http.get(api.url(), "/v1/ping"), 401, "unauthorized", "Authorization: Bearer");
        assertError(Http.get(api.url(), "/v1/ping", "guess"), 401, "unauthorized", "wrong");
    }

    @Test
    void shouldAnswerAnOpenRouteWithoutAToken() throws Exception {
        HttpResponse<String> r = Http.get(api.url(), "/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r).get("ok").asBoolean()).isTrue();
    }

    @Test
    void shouldRefuseARequestNamingAnotherHostWith421() throws Exception {
        String answer = RawHttp.get(api.port(), "/healthz", "evil.example:" + api.port());
        assertThat(answer).startsWith("HTTP/1.1 421").contains("misdirected_request", "evil.example", "--allowed-host");
        assertThat(RawHttp.get(api.port(), "/healthz", "localhost:" + api.port())).startsWith("HTTP/1.1 200");
        assertThat(RawHttp.get(api.port(), "/healthz", "[::1]:" + api.port())).startsWith("HTTP/1.1 200");
        assertThat(RawHttp.get(api.port(), "/healthz", "127.0.0.1")).startsWith("HTTP/1.1 200");
    }

    @Test
    void shouldAnswerAConfiguredHostName() throws Exception {
        try (HttpApi named = HttpApi.create("127.0.0.1", 0, ApiToken.of(TOKEN), java.util.List.of("migrator"))) {
            named.openRoute("GET", "/healthz", request -> ApiResponse.json(Map.of("ok", true))).start();
            assertThat(RawHttp.get(named.port(), "/healthz", "migrator:8080")).startsWith("HTTP/1.1 200");
            assertThat(RawHttp.get(named.port(), "/healthz", "rebound.example")).startsWith("HTTP/1.1 421");
        }
    }

    @Test
    void shouldRefuseAMutatingCallWithoutATokenWith401Json() throws Exception {
        HttpResponse<String> r = Http.post(api.url(), "/v1/rebalance/cutover", "{\"id\":\"demo\"}", null);
        assertError(r, 401, "unauthorized", "Authorization: Bearer");
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    @Test
    void shouldRefuseAMutatingCallWithAWrongTokenWith401Json() throws Exception {
        HttpResponse<String> r = Http.post(api.url(), "/v1/rebalance/cutover", "{\"id\":\"demo\"}", "guess");
        assertError(r, 401, "unauthorized", "wrong");
        assertThat(r.body()).doesNotContain(TOKEN);
    }

    @Test
    void shouldRunAMutatingCallWithTheRightToken() throws Exception {
        HttpResponse<String> r = Http.post(api.url(), "/v1/rebalance/cutover", "{\"id\":\"demo\",\"generation\":3}", TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r).get("generation").asInt()).isEqualTo(3);
    }

    @Test
    void shouldAnswer404JsonForAnUnknownPath() throws Exception {
        assertError(Http.get(api.url(), "/v1/nothing"), 404, "not_found", "/v1/nothing");
    }

    @Test
    void shouldAnswer405JsonWithAllowForAKnownPathAndAnotherMethod() throws Exception {
        HttpResponse<String> r = Http.get(api.url(), "/v1/rebalance/cutover");
        assertError(r, 405, "method_not_allowed", "POST");
        assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void shouldAnswer400NamingTheFieldOfAWrongType() throws Exception {
        HttpResponse<String> r = Http.post(api.url(), "/v1/rebalance/cutover", "{\"id\":\"demo\",\"generation\":\"two\"}", TOKEN);
        assertError(r, 400, "bad_request", "field 'generation'");
    }

    @Test
    void shouldAnswer400NamingAnUnknownField() throws Exception {
        HttpResponse<String> r = Http.post(api.url(), "/v1/rebalance/cutover", "{\"id\":\"demo\",\"force\":true}", TOKEN);
        assertError(r, 400, "bad_request", "unknown field 'force'");
    }

    @Test
    void shouldAnswer400NamingAMissingRequiredField() throws Exception {
        HttpResponse<String> r = Http.post(api.url(), "/v1/rebalance/cutover", "{\"generation\":2}", TOKEN);
        assertError(r, 400, "bad_request", "'id'");
    }

    @Test
    void shouldAnswer400WithLineAndColumnForMalformedJson() throws Exception {
        HttpResponse<String> r = Http.post(api.url(), "/v1/rebalance/cutover", "{\"id\": ", TOKEN);
        assertError(r, 400, "bad_request", "not valid JSON");
    }

    @Test
    void shouldAnswerARefusalWithItsStatusAndReason() throws Exception {
        assertError(Http.post(api.url(), "/v1/refuse", "", TOKEN), 409, "conflict", "gate 'lag' is not passed");
    }

    @Test
    void shouldAnswer500JsonNamingTheRouteWhenAHandlerFails() throws Exception {
        assertError(Http.get(api.url(), "/v1/boom", TOKEN), 500, "internal", "GET /v1/boom failed");
    }

    @Test
    void shouldMaskJdbcCredentialsInA500() throws Exception {
        HttpResponse<String> r = Http.get(api.url(), "/v1/leak", TOKEN);
        assertError(r, 500, "internal", "jdbc:postgresql://app:******@db/app?password=******");
        assertThat(r.body()).doesNotContain("hunter2");
    }

    @Test
    void shouldPrintAGeneratedTokenOnceAndMaskItInToString() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ApiToken token = ApiToken.resolve(null, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(token.value()).containsOnlyOnce("token");
        assertThat(token.toString()).doesNotContain(token.value());
        assertThat(ApiToken.resolve(null, Map.of(ApiToken.ENV, "from-env"), System.out).matches("from-env")).isTrue();
        assertThat(ApiToken.resolve("given", Map.of(ApiToken.ENV, "from-env"), System.out).matches("from-env")).isFalse();
    }

    private static void assertError(HttpResponse<String> r, int status, String error, String reasonPart) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(ApiResponse.JSON);
        JsonNode body = Http.json(r);
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("reason").asText()).contains(reasonPart);
    }
}
