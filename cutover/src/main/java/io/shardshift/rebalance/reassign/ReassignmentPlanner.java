package io.shardshift.rebalance.reassign;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Proposes a replica assignment for one topic in which the leader count and the replica count of every
 * broker are each within 1 of even, changing as little as possible. Pure: no Kafka calls.
 *
 * <p>Two steps:
 * <ol>
 *   <li><b>Replicas.</b> While some broker holds at least 2 replicas more than another, one replica moves from
 *   the fullest broker to the emptiest one that may take it (no two replicas of a partition on one broker; with
 *   racks, a move never lowers the number of racks a partition spans). A follower replica is moved before a
 *   leader, the smallest partition first. This makes exactly {@code max(excess, deficit)} replica moves, the
 *   fewest possible.</li>
 *   <li><b>Leaders.</b> Leadership moves by reordering replica lists only (no data copied): the broker with
 *   the most leaders (ties: the most leader load) gives the leadership of its heaviest partition to a replica
 *   on a broker with at least 2 leaders fewer, through a chain of such hand-overs when no direct one
 *   exists.</li>
 * </ol>
 * Each partition keeps its replication factor. Input problems are reported all at once in one
 * {@link IllegalArgumentException}.
 *
 * <pre>{@code
 * ReassignmentPlan plan = new ReassignmentPlanner(List.of(1, 2, 3))
 *         .plan("orders", Map.of(0, List.of(1, 2), 1, List.of(1, 2), 2, List.of(1, 2)), Map.of());
 * plan.target(); // {0=[3, 1], 1=[2, 1], 2=[1, 2]} or similar: 1 leader and 2 replicas per broker
 * }</pre>
 */
public final class ReassignmentPlanner {
    private final SortedSet<Integer> brokers;
    private final Map<Integer, String> racks;

    /** A planner for these brokers, without racks. */
    public ReassignmentPlanner(Collection<Integer> brokers) {
        this(brokers, Map.of());
    }

    /**
     * A planner for these brokers; {@code racks} maps every broker to its rack, or is empty to ignore racks.
     */
    public ReassignmentPlanner(Collection<Integer> brokers, Map<Integer, String> racks) {
        this.brokers = new TreeSet<>(Objects.requireNonNull(brokers, "brokers"));
        this.racks = Map.copyOf(Objects.requireNonNull(racks, "racks"));
    }

    /**
     * Plans a balanced assignment of {@code topic}.
     *
     * @param current       partition to its replica list, the first replica the preferred leader
     * @param partitionLoad partition to its size or rate (bytes, records/s), used to order and to pick moves;
     *                      empty to count every partition as 1 (then {@code bytesToMove} is 0)
     */
    public ReassignmentPlan plan(String topic, Map<Integer, List<Integer>> current, Map<Integer, Long> partitionLoad) {
        validate(topic, current, partitionLoad);
        Map<Integer, Long> load = new HashMap<>();
        current.keySet().forEach(p -> load.put(p, partitionLoad.isEmpty() ? 1L : partitionLoad.get(p)));
        TreeMap<Integer, List<Integer>> target = new TreeMap<>();
        current.forEach((p, r) -> target.put(p, new ArrayList<>(r)));

        balanceReplicas(target, load);
        balanceLeaders(target, load);

        BrokerCounts before = BrokerCounts.preferred(brokers, current);
        int moves = 0;
        int leaderChanges = 0;
        long bytes = 0;
        List<Integer> changed = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> e : target.entrySet()) {
            List<Integer> was = current.get(e.getKey());
            if (!was.equals(e.getValue())) {
                changed.add(e.getKey());
            }
            if (!was.get(0).equals(e.getValue().get(0))) {
                leaderChanges++;
            }
            long added = e.getValue().stream().filter(b -> !was.contains(b)).count();
            moves += (int) added;
            bytes += partitionLoad.isEmpty() ? 0 : added * load.get(e.getKey());
        }
        Map<Integer, Long> leaderLoad = leaderLoad(current, load);
        changed.sort(Comparator
                .comparing((Integer p) -> before.leaders().get(current.get(p).get(0))).reversed()
                .thenComparing(p -> leaderLoad.get(current.get(p).get(0)), Comparator.reverseOrder())
                .thenComparing(load::get, Comparator.reverseOrder())
                .thenComparing(p -> p));
        return new ReassignmentPlan(topic, new TreeMap<>(current), target, changed, before,
                BrokerCounts.preferred(brokers, target), moves, leaderChanges, bytes);
    }

    private void validate(String topic, Map<Integer, List<Integer>> current, Map<Integer, Long> partitionLoad) {
        List<String> problems = new ArrayList<>();
        if (topic == null || topic.isBlank()) {
            problems.add("topic: must not be blank");
        }
        if (brokers.isEmpty()) {
            problems.add("brokers: no broker given");
        }
        if (!racks.isEmpty() && !racks.keySet().containsAll(brokers)) {
            Set<Integer> missing = new TreeSet<>(brokers);
            missing.removeAll(racks.keySet());
            problems.add("racks: brokers " + missing + " have no rack (give every broker a rack, or none)");
        }
        if (current == null || current.isEmpty()) {
            problems.add("topic " + topic + ": no partitions");
        } else {
            new TreeMap<>(current).forEach((p, r) -> checkPartition(p, r, partitionLoad, problems));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Cannot plan a reassignment of " + topic + ": " + String.join("; ", problems));
        }
    }

    private void checkPartition(int p, List<Integer> replicas, Map<Integer, Long> partitionLoad, List<String> problems) {
        String at = "partition " + p;
        if (replicas == null || replicas.isEmpty()) {
            problems.add(at + ": no replicas");
            return;
        }
        if (new HashSet<>(replicas).size() != replicas.size()) {
            problems.add(at + ": a broker appears twice in " + replicas);
        }
        if (replicas.size() > brokers.size()) {
            problems.add(at + ": replication factor " + replicas.size() + " exceeds the " + brokers.size() + " broker(s)");
        }
        for (Integer b : replicas) {
            if (!brokers.contains(b)) {
                problems.add(at + ": replica on broker " + b + ", which is not among the brokers " + brokers
                        + " (an offline broker? bring it back before rebalancing)");
            }
        }
        if (!partitionLoad.isEmpty()) {
            Long l = partitionLoad.get(p);
            if (l == null || l < 0) {
                problems.add(at + ": load must be given and at least 0, was " + l);
            }
        }
    }

    private void balanceReplicas(Map<Integer, List<Integer>> target, Map<Integer, Long> load) {
        while (true) {
            Map<Integer, Integer> counts = BrokerCounts.preferred(brokers, target).replicas();
            List<Integer> donors = new ArrayList<>(brokers);
            donors.sort(Comparator.comparing(counts::get, Comparator.reverseOrder()));
            List<Integer> receivers = new ArrayList<>(brokers);
            receivers.sort(Comparator.comparing(counts::get));
            if (!moveOneReplica(target, load, counts, donors, receivers)) {
                return;
            }
        }
    }

    private boolean moveOneReplica(Map<Integer, List<Integer>> target, Map<Integer, Long> load,
                                   Map<Integer, Integer> counts, List<Integer> donors, List<Integer> receivers) {
        for (int donor : donors) {
            for (int receiver : receivers) {
                if (counts.get(donor) - counts.get(receiver) < 2) {
                    break;
                }
                Integer p = replicaToMove(target, load, donor, receiver);
                if (p != null) {
                    List<Integer> r = target.get(p);
                    r.set(r.indexOf(donor), receiver);
                    return true;
                }
            }
        }
        return false;
    }

    private Integer replicaToMove(Map<Integer, List<Integer>> target, Map<Integer, Long> load, int donor, int receiver) {
        return target.entrySet().stream()
                .filter(e -> e.getValue().contains(donor) && !e.getValue().contains(receiver))
                .filter(e -> keepsRackSpread(e.getValue(), donor, receiver))
                .sorted(Comparator
                        .comparing((Map.Entry<Integer, List<Integer>> e) -> e.getValue().get(0) == donor)
                        .thenComparing(e -> load.get(e.getKey()))
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    private boolean keepsRackSpread(List<Integer> replicas, int donor, int receiver) {
        if (racks.isEmpty()) {
            return true;
        }
        Set<String> before = new HashSet<>();
        Set<String> after = new HashSet<>();
        for (int b : replicas) {
            before.add(racks.get(b));
            after.add(racks.get(b == donor ? receiver : b));
        }
        return after.size() >= before.size();
    }

    private void balanceLeaders(Map<Integer, List<Integer>> target, Map<Integer, Long> load) {
        while (true) {
            Map<Integer, Integer> counts = BrokerCounts.preferred(brokers, target).leaders();
            Map<Integer, Long> leaderLoad = leaderLoad(target, load);
            List<Integer> donors = new ArrayList<>(brokers);
            donors.sort(Comparator.comparing(counts::get, Comparator.reverseOrder())
                    .thenComparing(leaderLoad::get, Comparator.reverseOrder()));
            boolean moved = false;
            for (int donor : donors) {
                if (handOverLeadership(target, load, counts, donor)) {
                    moved = true;
                    break;
                }
            }
            if (!moved) {
                return;
            }
        }
    }

    /**
     * Breadth-first search from {@code donor} over "b can take the leadership of a partition a leads" edges
     * to the broker with the fewest leaders that has at least 2 fewer than the donor; then shifts leadership
     * along the path.
     */
    private boolean handOverLeadership(Map<Integer, List<Integer>> target, Map<Integer, Long> load,
                                       Map<Integer, Integer> counts, int donor) {
        Map<Integer, int[]> via = new HashMap<>(); // broker -> {previous broker, partition}
        Deque<Integer> queue = new ArrayDeque<>(List.of(donor));
        Set<Integer> seen = new HashSet<>(List.of(donor));
        Integer best = null;
        List<Integer> byLoad = new ArrayList<>(target.keySet());
        byLoad.sort(Comparator.comparing((Integer p) -> load.get(p), Comparator.reverseOrder()).thenComparing(p -> p));
        while (!queue.isEmpty()) {
            int a = queue.poll();
            for (int p : byLoad) {
                List<Integer> r = target.get(p);
                if (r.get(0) != a) {
                    continue;
                }
                for (int b : r) {
                    if (seen.add(b)) {
                        via.put(b, new int[] {a, p});
                        queue.add(b);
                        if (counts.get(b) <= counts.get(donor) - 2 && (best == null || counts.get(b) < counts.get(best))) {
                            best = b;
                        }
                    }
                }
            }
        }
        if (best == null) {
            return false;
        }
        for (int b = best; b != donor; ) {
            int[] step = via.get(b);
            List<Integer> r = target.get(step[1]);
            r.remove(Integer.valueOf(b));
            r.add(0, b);
            b = step[0];
        }
        return true;
    }

    private Map<Integer, Long> leaderLoad(Map<Integer, List<Integer>> assignment, Map<Integer, Long> load) {
        Map<Integer, Long> out = new HashMap<>();
        brokers.forEach(b -> out.put(b, 0L));
        assignment.forEach((p, r) -> out.merge(r.get(0), load.get(p), Long::sum));
        return out;
    }
}
