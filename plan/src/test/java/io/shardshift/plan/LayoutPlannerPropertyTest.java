package io.shardshift.plan;

import io.shardshift.core.layout.Layout;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Properties of the planner over generated skewed loads, layouts, extra targets and capacities. */
class LayoutPlannerPropertyTest {
    private static final double EPS = 1e-9;
    private final LayoutPlanner planner = new LayoutPlanner();

    @Property(tries = 300)
    void shouldRouteEveryTenantToAKnownTarget(@ForAll("skewedRequests") PlanRequest request) {
        LayoutProposal p = planner.plan(request);

        Set<String> known = new HashSet<>(request.current().targets());
        known.addAll(request.extraTargets());
        known.addAll(p.newTargets());
        assertThat(p.layout().generation()).isEqualTo(request.current().generation() + 1);
        assertThat(p.layout().buckets()).isEqualTo(request.current().buckets());
        for (TenantLoad t : request.loads()) {
            assertThat(known).contains(p.layout().targetFor(t.tenant()));
        }
        for (String t : p.newTargets()) {
            assertThat(request.current().targets()).doesNotContain(t);
            assertThat(request.extraTargets()).doesNotContain(t);
        }
    }

    @Property(tries = 300)
    void shouldMoveEachBucketAtMostOnceAndExactlyAsTheLayoutChanges(@ForAll("skewedRequests") PlanRequest request) {
        LayoutProposal p = planner.plan(request);

        List<String> before = request.current().bucketTargets();
        List<String> after = p.layout().bucketTargets();
        Set<Integer> moved = new HashSet<>();
        for (BucketMove m : p.moves()) {
            assertThat(moved.add(m.bucket())).as("bucket %s moves once", m.bucket()).isTrue();
            assertThat(m.from()).isEqualTo(before.get(m.bucket())).isNotEqualTo(m.to());
            assertThat(m.to()).isEqualTo(after.get(m.bucket()));
        }
        for (int b = 0; b < before.size(); b++) {
            if (!moved.contains(b)) {
                assertThat(after.get(b)).as("bucket %s stays", b).isEqualTo(before.get(b));
            }
        }
    }

    @Property(tries = 300)
    void shouldNeverMoveABucketOffATargetThatIsWithinItsLimits(@ForAll("skewedRequests") PlanRequest request) {
        LayoutProposal p = planner.plan(request);

        Baseline base = Baseline.of(request, p);
        Set<String> received = new HashSet<>();
        for (BucketMove m : p.moves()) {
            boolean overAtStart = base.isOver(m.from());
            assertThat(overAtStart || received.contains(m.from()))
                    .as("bucket %s moved off %s, which was within its limits", m.bucket(), m.from()).isTrue();
            received.add(m.to());
        }
    }

    @Property(tries = 300)
    void shouldMoveNothingWhenTheLayoutIsWithinItsLimits(@ForAll("skewedRequests") PlanRequest request) {
        LayoutProposal p = planner.plan(request);

        Baseline base = Baseline.of(request, p);
        boolean withinLimits = base.pool.stream().noneMatch(base::isOver);
        Statistics.label("within limits").collect(withinLimits);
        if (withinLimits) {
            assertThat(p.moves()).isEmpty();
        }
        if (withinLimits && p.hotTenants().isEmpty()) {
            assertThat(p.verdict()).isEqualTo(Verdict.BALANCED);
            assertThat(p.movedBytes()).isZero();
        }
    }

    @Property(tries = 300)
    void shouldNeverPutATargetOverItsCapacity(@ForAll("skewedRequests") PlanRequest request) {
        LayoutProposal p = planner.plan(request);

        Set<String> receivers = new HashSet<>();
        p.moves().forEach(m -> receivers.add(m.to()));
        p.hotTenants().forEach(h -> receivers.add(h.to()));
        for (String t : receivers) {
            assertThat(request.capacityOf(t).fits(p.loadAfter().get(t))).as("%s within capacity", t).isTrue();
        }
        p.loadBefore().forEach((t, load) -> {
            if (request.capacityOf(t).fits(load)) {
                assertThat(request.capacityOf(t).fits(p.loadAfter().get(t))).as("%s stays within capacity", t).isTrue();
            }
        });
    }

    @Property(tries = 300)
    void shouldReachTheSkewLimitWheneverMovingBucketsCan(@ForAll("skewedRequests") PlanRequest request) {
        LayoutProposal p = planner.plan(request);

        double maxSkew = request.options().maxSkew();
        if (p.verdict() != Verdict.NEEDS_SPLIT) {
            assertThat(p.skewAfter(LayoutProposal.LOAD).ratio()).isLessThanOrEqualTo(maxSkew + EPS);
        }
        boolean bucketsSmallEnough = Baseline.of(request, p).everyBucketFitsAnyTarget(request, p, maxSkew);
        Statistics.label("fixable by buckets").collect(bucketsSmallEnough);
        if (bucketsSmallEnough && request.capacities().isEmpty()) {
            assertThat(p.verdict()).isNotEqualTo(Verdict.NEEDS_SPLIT);
            assertThat(p.skewAfter(LayoutProposal.LOAD).ratio()).isLessThanOrEqualTo(maxSkew + EPS);
        }
    }

    @Property(tries = 200)
    void shouldBringManySmallSkewedBucketsToAtMostOnePointFive(@ForAll("manySmallBuckets") PlanRequest request) {
        LayoutProposal p = planner.plan(request);

        Statistics.label("skew before > 1.5").collect(p.skewBefore(LayoutProposal.LOAD).ratio() > 1.5);
        assertThat(p.verdict()).isNotEqualTo(Verdict.NEEDS_SPLIT);
        assertThat(p.skewAfter(LayoutProposal.LOAD).ratio()).isLessThanOrEqualTo(1.5 + EPS);
    }

    @Property(tries = 300)
    void shouldKeepEveryRowAndByteAcrossTheMoves(@ForAll("skewedRequests") PlanRequest request) {
        LayoutProposal p = planner.plan(request);

        Load before = p.loadBefore().values().stream().reduce(Load.ZERO, Load::plus);
        Load after = p.loadAfter().values().stream().reduce(Load.ZERO, Load::plus);
        assertThat(after.rows()).isEqualTo(before.rows());
        assertThat(after.bytes()).isEqualTo(before.bytes());
        long bucketBytes = p.moves().stream().mapToLong(BucketMove::bytes).sum();
        long hotBytes = p.hotTenants().stream().mapToLong(HotTenantMove::bytes).sum();
        assertThat(p.movedBytes()).isEqualTo(bucketBytes + hotBytes);
    }

    @Provide
    Arbitrary<PlanRequest> skewedRequests() {
        Arbitrary<Integer> buckets = Arbitraries.of(4, 8, 16, 32, 64);
        Arbitrary<Integer> targets = Arbitraries.integers().between(1, 5);
        Arbitrary<Integer> extras = Arbitraries.integers().between(0, 2);
        Arbitrary<Long> seed = Arbitraries.longs();
        Arbitrary<Boolean> withCapacities = Arbitraries.of(true, false);
        Arbitrary<LoadWeight> weight = Arbitraries.of(LoadWeight.class);
        Arbitrary<Double> maxSkew = Arbitraries.of(1.1, 1.5, 2.0);
        return Combinators.combine(buckets, targets, extras, seed, withCapacities, weight, maxSkew)
                .as((b, k, e, s, caps, w, skew) -> Generated.request(b, k, e, s, caps, w, skew, false));
    }

    @Provide
    Arbitrary<PlanRequest> manySmallBuckets() {
        Arbitrary<Integer> buckets = Arbitraries.of(64, 128);
        Arbitrary<Integer> targets = Arbitraries.integers().between(2, 4);
        Arbitrary<Integer> extras = Arbitraries.integers().between(0, 1);
        Arbitrary<Long> seed = Arbitraries.longs();
        return Combinators.combine(buckets, targets, extras, seed)
                .as((b, k, e, s) -> Generated.request(b, k, e, s, false, LoadWeight.BALANCED, 1.5, true));
    }

    /** The load on each target once the hot tenants left, and each target's skew bound, as the planner sees them. */
    private record Baseline(PlanRequest request, Load total, List<String> pool, Map<String, Load> load, double poolShare) {

        static Baseline of(PlanRequest request, LayoutProposal p) {
            Layout current = request.current();
            Set<String> hotTargets = new HashSet<>();
            p.hotTenants().forEach(h -> hotTargets.add(h.to()));
            Set<String> pool = new LinkedHashSet<>(current.bucketTargets());
            for (String t : request.extraTargets()) {
                if (!current.targets().contains(t) && !hotTargets.contains(t)) {
                    pool.add(t);
                }
            }
            Map<String, Load> load = new LinkedHashMap<>();
            pool.forEach(t -> load.put(t, p.loadBefore().getOrDefault(t, Load.ZERO)));
            p.hotTenants().forEach(h -> load.computeIfPresent(h.from(),
                    (t, l) -> l.minus(new Load(h.rows(), h.bytes(), h.writesPerSec()))));
            Load total = p.loadBefore().values().stream().reduce(Load.ZERO, Load::plus);
            LoadWeight w = request.options().weight();
            double poolShare = load.values().stream().mapToDouble(l -> w.share(l, total)).sum();
            return new Baseline(request, total, List.copyOf(pool), load, poolShare);
        }

        double fairShare(String target) {
            double weightSum = pool.stream().mapToDouble(t -> request.capacityOf(t).weight()).sum();
            return poolShare * request.capacityOf(target).weight() / weightSum;
        }

        boolean isOver(String target) {
            Load l = load.get(target);
            double share = request.options().weight().share(l, total);
            return !request.capacityOf(target).fits(l) || share > request.options().maxSkew() * fairShare(target) + EPS;
        }

        boolean everyBucketFitsAnyTarget(PlanRequest request, LayoutProposal p, double maxSkew) {
            double smallestFair = pool.stream().mapToDouble(this::fairShare).min().orElse(0);
            Load[] buckets = new Load[request.current().buckets()];
            java.util.Arrays.fill(buckets, Load.ZERO);
            for (TenantLoad t : request.loads()) {
                if (!p.layout().hotTenants().containsKey(t.tenant())) {
                    int b = request.current().bucketOf(t.tenant());
                    buckets[b] = buckets[b].plus(t.load());
                }
            }
            for (Load b : buckets) {
                if (request.options().weight().share(b, total) > (maxSkew - 1) * smallestFair) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Builds a skewed request from a seed. */
    private static final class Generated {
        static PlanRequest request(int buckets, int targetCount, int extraCount, long seed, boolean capacities,
                                   LoadWeight weight, double maxSkew, boolean smallOnly) {
            java.util.Random rnd = new java.util.Random(seed);
            List<String> targets = new ArrayList<>();
            for (int i = 0; i < targetCount; i++) {
                targets.add("pg_" + (char) ('a' + i));
            }
            List<String> bucketTargets = new ArrayList<>();
            for (int b = 0; b < buckets; b++) {
                int skewedIndex = Math.min(rnd.nextInt(targetCount), rnd.nextInt(targetCount));
                bucketTargets.add(targets.get(b < targetCount ? b : skewedIndex));
            }
            List<TenantLoad> loads = new ArrayList<>();
            for (int b = 0; b < buckets; b++) {
                int tenants = smallOnly ? 1 : rnd.nextInt(4);
                for (int i = 0; i < tenants; i++) {
                    long bytes = smallOnly ? 1_000 + rnd.nextInt(9_000) : rnd.nextInt(10_000);
                    double writes = smallOnly ? 1 + rnd.nextInt(9) : rnd.nextInt(50);
                    loads.add(new TenantLoad(PlanFixtures.tenantInBucket(b, buckets, i), bytes / 100, bytes, writes));
                }
            }
            int whales = smallOnly ? 0 : rnd.nextInt(3);
            for (int i = 0; i < whales; i++) {
                int b = rnd.nextInt(buckets);
                loads.add(new TenantLoad(PlanFixtures.tenantInBucket(b, buckets, 4 + i), 1_000,
                        50_000 + rnd.nextInt(200_000), rnd.nextInt(500)));
            }
            List<String> extras = new ArrayList<>();
            for (int i = 0; i < extraCount; i++) {
                extras.add("pg_new_" + i);
            }
            Map<String, TargetCapacity> caps = new LinkedHashMap<>();
            if (capacities) {
                List<String> all = new ArrayList<>(targets);
                all.addAll(extras);
                for (String t : all) {
                    if (rnd.nextBoolean()) {
                        caps.put(t, new TargetCapacity(1 + rnd.nextInt(2), 20_000 + rnd.nextInt(300_000),
                                rnd.nextBoolean() ? Double.POSITIVE_INFINITY : 50 + rnd.nextInt(500)));
                    }
                }
            }
            Layout layout = new Layout(1 + rnd.nextInt(3), "tenant_id", bucketTargets, Map.of());
            PlanOptions options = PlanOptions.defaults().withWeight(weight).withMaxSkew(maxSkew);
            return new PlanRequest(layout, loads, extras, caps, options);
        }
    }

}
