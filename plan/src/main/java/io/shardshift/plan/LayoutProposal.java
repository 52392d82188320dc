package io.shardshift.plan;

import io.shardshift.core.layout.Layout;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@link LayoutPlanner} proposes, with its impact.
 *
 * <p>The skews are measured over the targets that hold buckets (a dedicated target carries one tenant by
 * design and is left out of the ratio); {@link #loadBefore()} and {@link #loadAfter()} list every target.
 *
 * @param layout      the proposed layout, one generation after the current one
 * @param moves       the buckets that move, with the rows and bytes each carries
 * @param hotTenants  the tenants that get a dedicated target
 * @param newTargets  targets the layout names that do not exist yet (to add to the spec's {@code targets})
 * @param loadBefore  the load of each target in the current layout
 * @param loadAfter   the load of each target in the proposed layout
 * @param skewBefore  skew per dimension ({@link #LOAD}, {@link #ROWS}, {@link #BYTES}, {@link #WRITES}) now
 * @param skewAfter   the same after the proposal
 * @param verdict     the conclusion
 * @param explanation one line per finding, for people
 */
public record LayoutProposal(Layout layout, List<BucketMove> moves, List<HotTenantMove> hotTenants,
                             List<String> newTargets, Map<String, Load> loadBefore, Map<String, Load> loadAfter,
                             List<Skew> skewBefore, List<Skew> skewAfter, Verdict verdict, List<String> explanation) {
    /** The weighted load the planner balances (see {@link LoadWeight}). */
    public static final String LOAD = "load";
    /** Rows per target. */
    public static final String ROWS = "rows";
    /** Bytes per target. */
    public static final String BYTES = "bytes";
    /** Writes per second per target. */
    public static final String WRITES = "writesPerSec";

    public LayoutProposal {
        moves = List.copyOf(moves);
        hotTenants = List.copyOf(hotTenants);
        newTargets = List.copyOf(newTargets);
        loadBefore = Collections.unmodifiableMap(new LinkedHashMap<>(loadBefore));
        loadAfter = Collections.unmodifiableMap(new LinkedHashMap<>(loadAfter));
        skewBefore = List.copyOf(skewBefore);
        skewAfter = List.copyOf(skewAfter);
        explanation = List.copyOf(explanation);
    }

    /** The skew of a dimension before the proposal. */
    public Skew skewBefore(String dimension) {
        return find(skewBefore, dimension);
    }

    /** The skew of a dimension after the proposal. */
    public Skew skewAfter(String dimension) {
        return find(skewAfter, dimension);
    }

    /** Bytes carried by all bucket moves and hot tenant moves. */
    public long movedBytes() {
        return moves.stream().mapToLong(BucketMove::bytes).sum() + hotTenants.stream().mapToLong(HotTenantMove::bytes).sum();
    }

    /** Rows carried by all bucket moves and hot tenant moves. */
    public long movedRows() {
        return moves.stream().mapToLong(BucketMove::rows).sum() + hotTenants.stream().mapToLong(HotTenantMove::rows).sum();
    }

    private static Skew find(List<Skew> skews, String dimension) {
        return skews.stream().filter(s -> s.dimension().equals(dimension)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no skew for dimension '" + dimension + "'"));
    }
}
