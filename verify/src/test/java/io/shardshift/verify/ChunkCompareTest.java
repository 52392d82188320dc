package io.shardshift.verify;

import io.shardshift.core.layout.Layout;
import io.shardshift.verify.internal.ChunkCompare;
import io.shardshift.verify.internal.ChunkSum;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkCompareTest {
    static final Layout LAYOUT = Layout.evenRanges(2, "tenant_id", 64, List.of("pg_a", "pg_b"), Map.of("acme", "pg_b"));
    static final String A_TENANT = tenantOn("pg_a");

    static String tenantOn(String target) {
        for (int i = 0; ; i++) {
            if (LAYOUT.targetFor("t" + i).equals(target)) {
                return "t" + i;
            }
        }
    }

    static ChunkSum sum(long rows, long sum) {
        return new ChunkSum(rows, BigInteger.valueOf(sum));
    }

    @Test
    void shouldMatchWhenEachTenantsRowsAreInItsTarget() {
        Map<String, ChunkSum> source = Map.of("acme", sum(3, 30), A_TENANT, sum(2, 20));
        assertThat(ChunkCompare.matches(source, Map.of("pg_a", Map.of(A_TENANT, sum(2, 20)),
                "pg_b", Map.of("acme", sum(3, 30))), LAYOUT)).isTrue();
    }

    @Test
    void shouldDifferWhenAValueChanged() {
        Map<String, ChunkSum> source = Map.of("acme", sum(3, 30));
        assertThat(ChunkCompare.matches(source, Map.of("pg_b", Map.of("acme", sum(3, 31))), LAYOUT)).isFalse();
    }

    @Test
    void shouldDifferWhenARowIsInTheWrongTargetEvenThoughTheUnionMatches() {
        Map<String, ChunkSum> source = Map.of("acme", sum(3, 30));
        assertThat(ChunkCompare.matches(source, Map.of("pg_a", Map.of("acme", sum(1, 10)),
                "pg_b", Map.of("acme", sum(2, 20))), LAYOUT)).isFalse();
    }

    @Test
    void shouldDifferWhenATargetHoldsATenantTheSourceHasNot() {
        assertThat(ChunkCompare.matches(Map.of(), Map.of("pg_a", Map.of(A_TENANT, sum(1, 5))), LAYOUT)).isFalse();
    }

    @Test
    void shouldDifferWhenARowIsMissing() {
        assertThat(ChunkCompare.matches(Map.of(A_TENANT, sum(1, 5)), Map.of("pg_a", Map.of(), "pg_b", Map.of()), LAYOUT))
                .isFalse();
    }

    @Test
    void shouldMatchEmptyChunks() {
        assertThat(ChunkCompare.matches(Map.of(), Map.of("pg_a", Map.of(), "pg_b", Map.of()), LAYOUT)).isTrue();
    }
}
