package io.shardshift.plan;

import io.shardshift.core.layout.Layout;
import io.shardshift.plan.Units;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Picks the hot tenants and their dedicated targets for the {@link LayoutPlanner}. Takes a chosen free
 * target out of the bucket pool.
 */
final class HotTenants {
    private final Layout current;
    private final PlanRequest request;
    private final Map<String, Load> tenants;
    private final Load total;
    private final List<String> pool;
    private final List<String> free;
    private final Set<String> usedNames;

    HotTenants(Layout current, PlanRequest request, Map<String, Load> tenants, Load total, List<String> pool,
               List<String> free) {
        this.current = current;
        this.request = request;
        this.tenants = tenants;
        this.total = total;
        this.pool = pool;
        this.free = free;
        this.usedNames = new HashSet<>(current.targets());
        usedNames.addAll(request.extraTargets());
    }

    /** Picks hot tenants, heaviest first; adds a line per tenant to {@code explanation}, and to {@code problems}. */
    List<HotTenantMove> pick(List<String> explanation, List<String> problems) {
        PlanOptions options = request.options();
        LoadWeight weight = options.weight();
        double sharedShare = 0;
        List<Map.Entry<String, Load>> candidates = new ArrayList<>();
        for (Map.Entry<String, Load> e : tenants.entrySet()) {
            if (!current.hotTenants().containsKey(e.getKey())) {
                sharedShare += weight.share(e.getValue(), total);
                candidates.add(e);
            }
        }
        candidates.sort(Comparator.comparingDouble((Map.Entry<String, Load> e) -> -weight.share(e.getValue(), total))
                .thenComparing(Map.Entry::getKey));
        List<HotTenantMove> moves = new ArrayList<>();
        int counter = 0;
        for (Map.Entry<String, Load> c : candidates) {
            double share = weight.share(c.getValue(), total);
            double mean = sharedShare / pool.size();
            if (share <= 0 || share <= options.hotShare() * mean) {
                break;
            }
            String to = freeTargetFor(c.getValue());
            boolean isNew = to == null;
            if (isNew) {
                do {
                    to = prefix() + "_hot_" + (++counter);
                } while (usedNames.contains(to));
            } else {
                pool.remove(to);
                free.remove(to);
            }
            usedNames.add(to);
            sharedShare -= share;
            Load load = c.getValue();
            HotTenantMove move = new HotTenantMove(c.getKey(), current.targetFor(c.getKey()), to, isNew, share,
                    load.rows(), load.bytes(), load.writesPerSec());
            moves.add(move);
            explanation.add("tenant '" + c.getKey() + "' alone carries " + Units.percent(share) + " of the load ("
                    + Units.ratio(share / mean) + " the mean per target): moving buckets cannot spread it; proposed:"
                    + " dedicated target " + to + (isNew ? " (new: add it to the spec's targets)" : ""));
            if (!fitsOneTarget(to, isNew, load)) {
                problems.add("tenant '" + c.getKey() + "' alone is more than one target can take (" + Units.bytes(load.bytes())
                        + ", " + Units.number(load.writesPerSec()) + " writes/s): split it over several targets,"
                        + " e.g. with a composite shard key");
            }
        }
        return moves;
    }

    private String freeTargetFor(Load load) {
        for (String t : free) {
            if (request.capacityOf(t).fits(load)) {
                return t;
            }
        }
        return null;
    }

    /** A new target is assumed to be as large as the largest target whose capacity is known. */
    private boolean fitsOneTarget(String target, boolean isNew, Load load) {
        if (!isNew) {
            return request.capacityOf(target).fits(load);
        }
        return request.capacities().isEmpty() || request.capacities().values().stream().anyMatch(c -> c.fits(load));
    }

    private String prefix() {
        if (request.options().hotTargetPrefix() != null) {
            return request.options().hotTargetPrefix();
        }
        String first = current.bucketTargets().get(0);
        int cut = Math.max(first.lastIndexOf('_'), first.lastIndexOf('-'));
        return first.substring(0, Math.min(cut > 0 ? cut : first.length(), 50));
    }
}
