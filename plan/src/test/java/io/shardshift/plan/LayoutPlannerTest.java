package io.shardshift.plan;

import io.shardshift.core.layout.Layout;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.shardshift.plan.PlanFixtures.filled;
import static io.shardshift.plan.PlanFixtures.onePerBucket;
import static io.shardshift.plan.PlanFixtures.tenantInBucket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayoutPlannerTest {
    private final LayoutPlanner planner = new LayoutPlanner();

    @Test
    void shouldMoveNothingWhenLoadIsAlreadyBalanced() {
        Layout layout = Layout.evenRanges(3, "tenant_id", 16, List.of("pg_a", "pg_b"), Map.of());
        List<TenantLoad> loads = onePerBucket(16, filled(16, 1_000L), filled(16, 5.0));

        LayoutProposal p = planner.plan(PlanRequest.of(layout, loads));

        assertThat(p.verdict()).isEqualTo(Verdict.BALANCED);
        assertThat(p.moves()).isEmpty();
        assertThat(p.hotTenants()).isEmpty();
        assertThat(p.movedBytes()).isZero();
        assertThat(p.layout().generation()).isEqualTo(4);
        assertThat(p.layout().bucketTargets()).isEqualTo(layout.bucketTargets());
        assertThat(p.explanation()).anyMatch(l -> l.contains("nothing needs to move"));
    }

    @Test
    void shouldGiveHotTenantANewDedicatedTarget() {
        Layout layout = Layout.evenRanges(1, "tenant_id", 16, List.of("pg_a", "pg_b", "pg_c", "pg_d"), Map.of());
        List<TenantLoad> loads = new ArrayList<>(onePerBucket(16, filled(16, 1_000L), filled(16, 1.0)));
        String hot = tenantInBucket(5, 16, 1);
        loads.add(new TenantLoad(hot, 400, 40_000, 40.0));

        LayoutProposal p = planner.plan(PlanRequest.of(layout, loads));

        assertThat(p.hotTenants()).singleElement().satisfies(h -> {
            assertThat(h.tenant()).isEqualTo(hot);
            assertThat(h.from()).isEqualTo("pg_b");
            assertThat(h.to()).isEqualTo("pg_hot_1");
            assertThat(h.newTarget()).isTrue();
            assertThat(h.bytes()).isEqualTo(40_000);
        });
        assertThat(p.layout().targetFor(hot)).isEqualTo("pg_hot_1");
        assertThat(p.newTargets()).containsExactly("pg_hot_1");
        assertThat(p.verdict()).isEqualTo(Verdict.REBALANCED);
        assertThat(p.skewBefore(LayoutProposal.WRITES).ratio()).isGreaterThan(2.0);
        assertThat(p.skewAfter(LayoutProposal.LOAD).ratio()).isLessThanOrEqualTo(1.5);
        assertThat(p.explanation()).anyMatch(l -> l.contains("tenant '" + hot + "' alone carries 71% of the load"));
    }

    @Test
    void shouldPreferAnEmptyExtraTargetForAHotTenant() {
        Layout layout = Layout.evenRanges(1, "tenant_id", 8, List.of("pg_a", "pg_b"), Map.of());
        List<TenantLoad> loads = new ArrayList<>(onePerBucket(8, filled(8, 1_000L), filled(8, 1.0)));
        loads.add(new TenantLoad(tenantInBucket(0, 8, 1), 100, 20_000, 20.0));

        LayoutProposal p = planner.plan(PlanRequest.of(layout, loads).withExtraTargets(List.of("pg_big")));

        assertThat(p.hotTenants()).singleElement().satisfies(h -> {
            assertThat(h.to()).isEqualTo("pg_big");
            assertThat(h.newTarget()).isFalse();
        });
        assertThat(p.newTargets()).isEmpty();
    }

    @Test
    void shouldMoveOnlyTheSmallestBucketThatFixesTheSkew() {
        Layout layout = new Layout(1, "tenant_id", List.of("a", "a", "a", "a", "b", "b"), Map.of());
        long[] bytes = {3_000, 2_000, 1_500, 1_000, 1_000, 1_000};
        List<TenantLoad> loads = onePerBucket(6, bytes, filled(6, 0.0));

        LayoutProposal p = planner.plan(PlanRequest.of(layout, loads)
                .withOptions(PlanOptions.defaults().withWeight(LoadWeight.BYTES).withMaxSkew(1.2)));

        // a holds 7500 of 9500 bytes; the bound is 1.2 * 4750 = 5700, so a must shed at least 1800 bytes:
        // bucket 1 (2000 bytes) is the smallest single bucket that does it.
        assertThat(p.moves()).containsExactly(new BucketMove(1, "a", "b", 20, 2_000, 0.0));
        assertThat(p.verdict()).isEqualTo(Verdict.REBALANCED);
        assertThat(p.skewAfter(LayoutProposal.BYTES).ratio()).isLessThanOrEqualTo(1.2);
    }

    @Test
    void shouldNeverMoveABucketOntoATargetWithoutRoom() {
        Layout layout = new Layout(1, "tenant_id", List.of("a", "a", "a", "a", "b", "c"), Map.of());
        List<TenantLoad> loads = onePerBucket(6, filled(6, 1_000L), filled(6, 0.0));
        Map<String, TargetCapacity> caps = Map.of("b", new TargetCapacity(1, 1_500, Double.POSITIVE_INFINITY));

        LayoutProposal p = planner.plan(PlanRequest.of(layout, loads).withCapacities(caps)
                .withOptions(PlanOptions.defaults().withWeight(LoadWeight.BYTES)));

        assertThat(p.moves()).isNotEmpty().allSatisfy(m -> assertThat(m.to()).isEqualTo("c"));
        assertThat(p.loadAfter().get("b").bytes()).isLessThanOrEqualTo(1_500);
    }

    @Test
    void shouldMoveLoadOffATargetOverItsCapacity() {
        Layout layout = new Layout(1, "tenant_id", List.of("a", "a", "b", "b"), Map.of());
        List<TenantLoad> loads = onePerBucket(4, filled(4, 1_000L), filled(4, 0.0));
        Map<String, TargetCapacity> caps = Map.of("a", new TargetCapacity(1, 1_200, Double.POSITIVE_INFINITY));

        LayoutProposal p = planner.plan(PlanRequest.of(layout, loads).withCapacities(caps)
                .withOptions(PlanOptions.defaults().withWeight(LoadWeight.BYTES)));

        assertThat(p.moves()).hasSize(1);
        assertThat(p.moves().get(0).from()).isEqualTo("a");
        assertThat(p.loadAfter().get("a").bytes()).isEqualTo(1_000);
        assertThat(p.verdict()).isEqualTo(Verdict.REBALANCED);
    }

    @Test
    void shouldSayItCannotFixABucketThatIsTooBigOnItsOwn() {
        Layout layout = Layout.evenRanges(1, "tenant_id", 4, List.of("a", "b"), Map.of());
        List<TenantLoad> loads = new ArrayList<>(onePerBucket(4, filled(4, 1_000L), filled(4, 1.0)));
        String big = tenantInBucket(0, 4, 1);
        loads.add(new TenantLoad(big, 100, 30_000, 30.0));

        LayoutProposal p = planner.plan(PlanRequest.of(layout, loads)
                .withOptions(PlanOptions.defaults().withHotShare(100)));

        assertThat(p.verdict()).isEqualTo(Verdict.NEEDS_SPLIT);
        assertThat(p.explanation()).anyMatch(l -> l.startsWith("cannot fix by moving buckets"));
        assertThat(p.explanation()).anyMatch(l -> l.contains("largest bucket 0") && l.contains("'" + big + "'")
                && l.contains("split"));
    }

    @Test
    void shouldKeepATenantThatAlreadyHasItsOwnTarget() {
        String hot = tenantInBucket(2, 8, 1);
        Layout layout = Layout.evenRanges(1, "tenant_id", 8, List.of("a", "b"), Map.of(hot, "solo"));
        List<TenantLoad> loads = new ArrayList<>(onePerBucket(8, filled(8, 1_000L), filled(8, 1.0)));
        loads.add(new TenantLoad(hot, 1_000, 100_000, 100.0));

        LayoutProposal p = planner.plan(PlanRequest.of(layout, loads));

        assertThat(p.verdict()).isEqualTo(Verdict.BALANCED);
        assertThat(p.hotTenants()).isEmpty();
        assertThat(p.layout().hotTenants()).containsEntry(hot, "solo");
        assertThat(p.loadAfter().get("solo").bytes()).isEqualTo(100_000);
    }

    @Test
    void shouldSpreadOntoANewTargetOnlyAsFarAsTheSkewLimitNeeds() {
        Layout layout = Layout.evenRanges(1, "tenant_id", 32, List.of("a", "b"), Map.of());
        List<TenantLoad> loads = onePerBucket(32, filled(32, 1_000L), filled(32, 1.0));

        LayoutProposal relaxed = planner.plan(PlanRequest.of(layout, loads).withExtraTargets(List.of("c")));
        LayoutProposal strict = planner.plan(PlanRequest.of(layout, loads).withExtraTargets(List.of("c"))
                .withOptions(PlanOptions.defaults().withMaxSkew(1.1)));

        assertThat(relaxed.moves()).isEmpty();
        assertThat(strict.moves()).isNotEmpty().allSatisfy(m -> assertThat(m.to()).isEqualTo("c"));
        assertThat(strict.skewAfter(LayoutProposal.LOAD).ratio()).isLessThanOrEqualTo(1.1);
    }

    @Test
    void shouldRejectANegativeLoadNamingTheTenant() {
        assertThatThrownBy(() -> new TenantLoad("acme", -1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant 'acme'");
    }
}
