package io.shardshift.core.layout;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayoutTest {

    @Test
    void shouldSpreadBucketsInEvenContiguousRanges() {
        Layout layout = Layout.evenRanges(1, "tenant_id", 8, List.of("a", "b"), Map.of());
        assertThat(layout.bucketTargets()).containsExactly("a", "a", "a", "a", "b", "b", "b", "b");
    }

    @Test
    void shouldRouteHotTenantToItsDedicatedTarget() {
        Layout layout = Layout.evenRanges(1, "tenant_id", 8, List.of("a", "b"), Map.of("hot", "c"));
        assertThat(layout.targetFor("hot")).isEqualTo("c");
        assertThat(layout.targets()).containsExactly("a", "b", "c");
    }

    @Test
    void shouldRouteTheSameValueToTheSameTargetEveryTime() {
        Layout layout = Layout.evenRanges(1, "tenant_id", 64, List.of("a", "b", "c"), Map.of());
        for (int i = 0; i < 1000; i++) {
            String tenant = "tenant-" + i;
            assertThat(layout.targetFor(tenant)).isEqualTo(layout.bucketTargets().get(layout.bucketOf(tenant)));
        }
    }

    @Test
    void shouldSpreadManyValuesRoughlyEvenly() {
        Layout layout = Layout.evenRanges(1, "tenant_id", 64, List.of("a", "b"), Map.of());
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            counts.merge(layout.targetFor("t" + i), 1, Integer::sum);
        }
        assertThat(counts.get("a")).isBetween(4_500, 5_500);
        assertThat(counts.get("b")).isBetween(4_500, 5_500);
    }

    @Test
    void shouldRouteNullShardKeyLikeEmptyString() {
        Layout layout = Layout.evenRanges(1, "tenant_id", 64, List.of("a", "b"), Map.of());
        assertThat(layout.targetFor(null)).isEqualTo(layout.targetFor(""));
    }

    @Test
    void shouldRejectGenerationZero() {
        assertThatThrownBy(() -> new Layout(0, "k", List.of("a"), Map.of()))
                .hasMessageContaining("generation");
    }
}
