package io.shardshift.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.core.layout.Layout;
import io.shardshift.core.layout.Murmur3;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutingLayoutTest {
    private static final Layout CORE = Layout.evenRanges(2, "tenant_id", 64, List.of("pg_a", "pg_b", "pg_c"),
            Map.of("acme", "pg_b"));

    private static RoutingLayout client(Layout l) {
        return new RoutingLayout(l.generation(), l.shardKey(), l.buckets(), l.bucketTargets(), l.hotTenants());
    }

    @Test
    void shouldHashExactlyAsCoreOnManyKeys() {
        Random rnd = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            String key = randomString(rnd);
            assertThat(io.shardshift.client.internal.Murmur3.hash32(key, 0)).as("hash of '%s'", key)
                    .isEqualTo(Murmur3.hash32(key, 0));
        }
    }

    @Test
    void shouldRouteEveryKeyToTheSameTargetAsCoreLayout() {
        RoutingLayout layout = client(CORE);
        Random rnd = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            String key = i % 100 == 0 ? "acme" : randomString(rnd);
            assertThat(layout.targetFor(key)).as("target of '%s'", key).isEqualTo(CORE.targetFor(key));
        }
        assertThat(layout.targetFor(null)).isEqualTo(CORE.targetFor(null));
    }

    @Test
    void shouldReadTheDocumentedJsonForm() throws Exception {
        String json = new ObjectMapper().writeValueAsString(client(CORE));
        RoutingLayout back = new ObjectMapper().readValue(json, RoutingLayout.class);
        assertThat(back).isEqualTo(client(CORE));
        assertThat(json).contains("\"generation\":2", "\"shardKey\":\"tenant_id\"", "\"buckets\":64",
                "\"bucketTargets\":[", "\"hotTenants\":{\"acme\":\"pg_b\"}");
    }

    @Test
    void shouldRejectALayoutWhoseBucketCountDisagrees() {
        assertThatThrownBy(() -> new RoutingLayout(3, "k", 4, List.of("a", "b"), Map.of()))
                .hasMessageContaining("routing.layout.3.buckets");
    }

    private static String randomString(Random rnd) {
        int len = rnd.nextInt(24);
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < len; j++) {
            int kind = rnd.nextInt(10);
            sb.appendCodePoint(kind < 7 ? 'a' + rnd.nextInt(26) : kind < 9 ? 0xe0 + rnd.nextInt(40) : 0x1F600 + rnd.nextInt(50));
        }
        return sb.toString();
    }
}
