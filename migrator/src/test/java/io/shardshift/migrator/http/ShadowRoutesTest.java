package io.shardshift.migrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardshift.client.shadow.ShadowRecord;
import io.shardshift.cutover.ShadowAgreement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ShadowRoutesTest {
    static final long NOW = 2_000_000_000_000L;
    HttpApi api;
    final ShadowAgreement agreement = new ShadowAgreement(Duration.ofHours(1), () -> NOW);

    @BeforeEach
    void start() {
        api = HttpApi.create("127.0.0.1", 0, ApiToken.of("t"));
        ShadowRoutes.register(api, agreement);
        api.start();
        agreement.accept(new ShadowRecord("r1", "client", "rows", "public.orders", "id=1", "pg_a", 2, "agree", "",
                "[a]", "[a]", null, NOW - 1000));
        agreement.accept(new ShadowRecord("r2", "client", "rows", "public.orders", "id=42", "pg_b", 2, "mismatch",
                "row 1 differs", "[{\"amount\":\"10\"}]", "[{\"amount\":\"99\"}]", null, NOW - 500));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void shouldRefuseTheMismatchesWithoutTheToken() throws Exception {
        HttpResponse<String> r = Http.get(api.url(), "/v1/shadow/mismatches");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("id=42");
    }

    @Test
    void shouldAnswerTheCountsAndTheMismatchWithBothAnswers() throws Exception {
        HttpResponse<String> r = Http.get(api.url(), "/v1/shadow/mismatches?window=5m", "t");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Http.json(r);
        assertThat(body.get("window").asText()).isEqualTo("PT5M");
        assertThat(body.get("reads").asLong()).isEqualTo(2);
        assertThat(body.get("mismatch").asLong()).isEqualTo(1);
        JsonNode m = body.get("mismatches").get(0);
        assertThat(m.get("query").asText()).isEqualTo("id=42");
        assertThat(m.get("oldAnswer").asText()).contains("10");
        assertThat(m.get("newAnswer").asText()).contains("99");
    }

    @Test
    void shouldNameABadParameter() throws Exception {
        HttpResponse<String> r = Http.get(api.url(), "/v1/shadow/mismatches?window=soon", "t");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("window");
        assertThat(Http.get(api.url(), "/v1/shadow/mismatches?limit=0", "t").body()).contains("limit");
    }
}
