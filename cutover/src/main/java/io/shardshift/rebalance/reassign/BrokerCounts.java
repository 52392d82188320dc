package io.shardshift.rebalance.reassign;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Leaders and replicas per broker for one topic, e.g. {@code leaders={1=2, 2=2, 3=2}, replicas={1=4, 2=4, 3=4}}.
 * Every broker of the cluster appears, with 0 when it holds nothing.
 *
 * @param leaders  broker id to the number of partitions it leads
 * @param replicas broker id to the number of replicas (leader included) it holds
 */
public record BrokerCounts(SortedMap<Integer, Integer> leaders, SortedMap<Integer, Integer> replicas) {

    public BrokerCounts {
        leaders = Collections.unmodifiableSortedMap(new TreeMap<>(leaders));
        replicas = Collections.unmodifiableSortedMap(new TreeMap<>(replicas));
    }

    /** Counts of an assignment whose leaders are the preferred (first) replicas. */
    public static BrokerCounts preferred(Collection<Integer> brokers, Map<Integer, List<Integer>> assignment) {
        Map<Integer, Integer> leaderOf = new TreeMap<>();
        assignment.forEach((p, r) -> leaderOf.put(p, r.isEmpty() ? null : r.get(0)));
        return observed(brokers, assignment, leaderOf);
    }

    /**
     * Counts of replicas as assigned and leaders as observed (a partition without a leader, value {@code null}
     * or absent, counts for nobody).
     */
    public static BrokerCounts observed(Collection<Integer> brokers, Map<Integer, List<Integer>> assignment,
                                        Map<Integer, Integer> leaderOf) {
        SortedMap<Integer, Integer> leaders = new TreeMap<>();
        SortedMap<Integer, Integer> replicas = new TreeMap<>();
        for (int b : brokers) {
            leaders.put(b, 0);
            replicas.put(b, 0);
        }
        assignment.values().forEach(r -> r.forEach(b -> replicas.merge(b, 1, Integer::sum)));
        leaderOf.values().forEach(b -> {
            if (b != null) {
                leaders.merge(b, 1, Integer::sum);
            }
        });
        return new BrokerCounts(leaders, replicas);
    }

    /** True when both the leader and the replica counts of every two brokers differ by at most 1. */
    public boolean withinOneOfEven() {
        return spread(leaders) <= 1 && spread(replicas) <= 1;
    }

    /** Largest minus smallest leader count. */
    public int leaderSpread() {
        return spread(leaders);
    }

    /** Largest minus smallest replica count. */
    public int replicaSpread() {
        return spread(replicas);
    }

    private static int spread(Map<Integer, Integer> counts) {
        if (counts.isEmpty()) {
            return 0;
        }
        return Collections.max(counts.values()) - Collections.min(counts.values());
    }
}
