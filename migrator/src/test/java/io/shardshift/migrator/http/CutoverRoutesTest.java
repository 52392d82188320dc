package io.shardshift.migrator.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The single-migration cutover routes' checks and the stream expand answer, over real HTTP (no running migration). */
class CutoverRoutesTest {
    private HttpApi api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        api = HttpApi.create("127.0.0.1", 0, ApiToken.of("s3cret"));
        new CutoverRoutes("orders", null).register(api);
        api.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url() + path.substring(1)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldRefuseACutoverWithoutTheToken() throws Exception {
        HttpResponse<String> r = post("/v1/cutover", "{}", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"reason\"");
    }

    @Test
    void shouldPointToServeForAStreamExpandWithoutTheRebalanceRegistry() throws Exception {
        HttpResponse<String> r = post("/v1/rebalance/stream/expand", "{\"topic\":\"events\",\"new_partitions\":24}", "s3cret");
        assertThat(r.statusCode()).isEqualTo(501);
        assertThat(r.body()).contains("not_implemented", "events", "shardshift serve");
    }

    @Test
    void shouldRejectARollbackOfAnotherMigration() throws Exception {
        HttpResponse<String> r = post("/v1/rebalance/rollback", "{\"id\":\"other\"}", "s3cret");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("this migrator runs 'orders'");
    }

    @Test
    void shouldPointToServeForARehomeWithoutTheRebalanceRegistry() throws Exception {
        HttpResponse<String> r = post("/v1/rebalance/db/rehome", "{\"tenant\":\"acme\",\"target_instance\":\"pg_b\"}", "s3cret");
        assertThat(r.statusCode()).isEqualTo(501);
        assertThat(r.body()).contains("shardshift serve");
    }

    @Test
    void shouldNameTheBadPartitionCountOfAStreamExpand() throws Exception {
        HttpResponse<String> r = post("/v1/rebalance/stream/expand", "{\"topic\":\"events\",\"new_partitions\":0}", "s3cret");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("new_partitions");
    }
}
