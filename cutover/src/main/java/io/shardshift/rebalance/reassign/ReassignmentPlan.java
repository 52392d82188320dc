package io.shardshift.rebalance.reassign;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A new replica assignment for one topic, as {@link ReassignmentPlanner} proposes it: for each partition the
 * ordered replica list (the first replica is the preferred leader).
 *
 * @param topic          the topic
 * @param current        partition to replicas before
 * @param target         partition to replicas after (every partition, changed or not)
 * @param changed        the partitions whose replica list changes (set or order), in the order to apply them:
 *                       partitions led by the hottest broker first
 * @param before         counts of {@code current} (preferred leaders)
 * @param after          counts of {@code target} (preferred leaders)
 * @param replicaMoves   replicas placed on a broker that did not hold them (data to copy)
 * @param leaderChanges  partitions whose preferred leader changes
 * @param bytesToMove    sum of the given per-partition sizes over the moved replicas (0 when sizes were not given)
 */
public record ReassignmentPlan(String topic, SortedMap<Integer, List<Integer>> current,
                               SortedMap<Integer, List<Integer>> target, List<Integer> changed,
                               BrokerCounts before, BrokerCounts after, int replicaMoves, int leaderChanges,
                               long bytesToMove) {

    public ReassignmentPlan {
        current = copy(current);
        target = copy(target);
        changed = List.copyOf(changed);
    }

    /** True when nothing changes. */
    public boolean isEmpty() {
        return changed.isEmpty();
    }

    /** The target replica lists of the changed partitions only, in {@link #changed()} order. */
    public Map<Integer, List<Integer>> changes() {
        Map<Integer, List<Integer>> out = new LinkedHashMap<>();
        changed.forEach(p -> out.put(p, target.get(p)));
        return Collections.unmodifiableMap(out);
    }

    private static SortedMap<Integer, List<Integer>> copy(Map<Integer, List<Integer>> in) {
        SortedMap<Integer, List<Integer>> out = new TreeMap<>();
        in.forEach((p, r) -> out.put(p, List.copyOf(r)));
        return Collections.unmodifiableSortedMap(out);
    }
}
