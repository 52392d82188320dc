package io.shardshift.plan;

import io.shardshift.core.layout.Layout;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the {@link LayoutPlanner} plans from.
 *
 * @param current     the layout in use now
 * @param loads       the load of each tenant (a tenant listed twice is summed)
 * @param extraTargets targets that may receive load besides those of {@code current}, e.g. new empty
 *                    databases; an extra target that holds nothing is the first choice for a hot tenant
 * @param capacities  limits per target; a target not named here has weight 1 and no limits
 * @param options     tuning
 */
public record PlanRequest(Layout current, List<TenantLoad> loads, List<String> extraTargets,
                          Map<String, TargetCapacity> capacities, PlanOptions options) {
    private static final Pattern TARGET_NAME = Pattern.compile("[A-Za-z0-9_-]{1,63}");

    public PlanRequest {
        Objects.requireNonNull(current, "current");
        loads = List.copyOf(Objects.requireNonNull(loads, "loads"));
        extraTargets = List.copyOf(extraTargets == null ? List.of() : extraTargets);
        capacities = Map.copyOf(capacities == null ? Map.of() : capacities);
        options = options == null ? PlanOptions.defaults() : options;
        for (String t : extraTargets) {
            if (t == null || !TARGET_NAME.matcher(t).matches()) {
                throw new IllegalArgumentException("target '" + t + "' must match [A-Za-z0-9_-]{1,63}");
            }
        }
    }

    /** A request with default options, no extra targets and no capacity limits. */
    public static PlanRequest of(Layout current, List<TenantLoad> loads) {
        return new PlanRequest(current, loads, List.of(), Map.of(), PlanOptions.defaults());
    }

    /** The capacity of a target: as given, else weight 1 and no limits. */
    public TargetCapacity capacityOf(String target) {
        return capacities.getOrDefault(target, TargetCapacity.unlimited());
    }

    public PlanRequest withExtraTargets(List<String> targets) {
        return new PlanRequest(current, loads, targets, capacities, options);
    }

    public PlanRequest withCapacities(Map<String, TargetCapacity> value) {
        return new PlanRequest(current, loads, extraTargets, value, options);
    }

    public PlanRequest withOptions(PlanOptions value) {
        return new PlanRequest(current, loads, extraTargets, capacities, value);
    }
}
