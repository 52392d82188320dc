package io.shardshift.plan.internal;

import io.shardshift.plan.BucketMove;
import io.shardshift.plan.Load;
import io.shardshift.plan.LoadWeight;
import io.shardshift.plan.TargetCapacity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Moves buckets between the shared targets until every target is within the skew bound and its capacity,
 * moving as little as it can.
 *
 * <p>Greedy: while some target is over its capacity or over {@code maxSkew} times its fair share, take the
 * worst such target (over capacity first, then the highest load per weight) and move one of its buckets to
 * the least loaded target that can take it without going over its own bound or capacity. The bucket is the
 * one with the fewest bytes among those that alone bring the donor within its bound; if none does, the
 * largest one (the most progress). A bucket moves at most once and only off a target that is over a limit,
 * so a layout within the limits moves nothing. Whenever every bucket is at most {@code maxSkew - 1} times
 * the smallest fair share and capacities do not bind, this reaches {@code maxSkew}: some target is always at
 * or below its fair share and can take any bucket.
 */
public final class BucketBalancer {
    private static final double EPS = 1e-9;

    private final String[] owner;
    private final Load[] bucketLoad;
    private final boolean[] moved;
    private final List<String> pool;
    private final Map<String, Load> targetLoad = new LinkedHashMap<>();
    private final Function<String, TargetCapacity> capacity;
    private final Load total;
    private final LoadWeight weight;
    private final double maxSkew;
    private final double capacityWeightSum;
    private final double poolShare;
    private final List<BucketMove> moves = new ArrayList<>();

    /**
     * @param bucketTargets the current target of each bucket
     * @param bucketLoad    the load of each bucket (hot tenants taken out)
     * @param fixedLoad     load on pool targets that does not move (hot tenants kept where they are)
     * @param pool          the targets that may hold buckets
     * @param capacity      the capacity of a target
     * @param total         the whole load, for weighing
     * @param weight        how a load is weighed
     * @param maxSkew       the skew bound
     */
    public BucketBalancer(List<String> bucketTargets, Load[] bucketLoad, Map<String, Load> fixedLoad, List<String> pool,
                          Function<String, TargetCapacity> capacity, Load total, LoadWeight weight, double maxSkew) {
        this.owner = bucketTargets.toArray(new String[0]);
        this.bucketLoad = bucketLoad.clone();
        this.moved = new boolean[owner.length];
        this.pool = List.copyOf(pool);
        this.capacity = capacity;
        this.total = total;
        this.weight = weight;
        this.maxSkew = maxSkew;
        for (String t : pool) {
            targetLoad.put(t, fixedLoad.getOrDefault(t, Load.ZERO));
        }
        for (int b = 0; b < owner.length; b++) {
            targetLoad.merge(owner[b], bucketLoad[b], Load::plus);
        }
        this.capacityWeightSum = pool.stream().mapToDouble(t -> capacity.apply(t).weight()).sum();
        this.poolShare = pool.stream().mapToDouble(t -> share(targetLoad.get(t))).sum();
    }

    /** Runs the moves; returns the targets still over a limit (empty when the layout is within them). */
    public List<String> run() {
        Set<String> stuck = new HashSet<>();
        while (true) {
            String donor = pool.stream().filter(t -> !stuck.contains(t) && isOver(t))
                    .max(Comparator.comparing((String t) -> !fits(t, targetLoad.get(t))).thenComparingDouble(this::ratio))
                    .orElse(null);
            if (donor == null) {
                break;
            }
            if (moveOneBucketOff(donor)) {
                stuck.clear();
            } else {
                stuck.add(donor);
            }
        }
        return pool.stream().filter(this::isOver).toList();
    }

    /** The moves made, in order. */
    public List<BucketMove> moves() {
        return List.copyOf(moves);
    }

    /** The target of each bucket after the moves. */
    public List<String> bucketTargets() {
        return List.of(owner);
    }

    /** The load of each pool target after the moves. */
    public Map<String, Load> targetLoads() {
        return Map.copyOf(targetLoad);
    }

    /** The skew bound of a target: {@code maxSkew} times its fair share of the pool's load. */
    public double bound(String target) {
        return maxSkew * fairShare(target);
    }

    private double fairShare(String target) {
        return poolShare * capacity.apply(target).weight() / capacityWeightSum;
    }

    private boolean isOver(String target) {
        Load load = targetLoad.get(target);
        return !fits(target, load) || share(load) > bound(target) + EPS;
    }

    private boolean fits(String target, Load load) {
        return capacity.apply(target).fits(load);
    }

    private double ratio(String target) {
        return share(targetLoad.get(target)) / capacity.apply(target).weight();
    }

    private double share(Load load) {
        return weight.share(load, total);
    }

    private boolean moveOneBucketOff(String donor) {
        Load load = targetLoad.get(donor);
        TargetCapacity cap = capacity.apply(donor);
        Function<Load, Double> metric;
        double need;
        boolean capacityDriven = !cap.fits(load);
        if (capacityDriven && load.bytes() > cap.maxBytes()) {
            metric = l -> (double) l.bytes();
            need = load.bytes() - (double) cap.maxBytes();
        } else if (capacityDriven) {
            metric = Load::writesPerSec;
            need = load.writesPerSec() - cap.maxWritesPerSec();
        } else {
            metric = this::share;
            need = share(load) - bound(donor);
        }
        List<String> receivers = pool.stream().filter(t -> !t.equals(donor))
                .sorted(Comparator.comparingDouble(this::ratio)).toList();
        Candidate best = bestCandidate(donor, receivers, metric, need, true);
        if (best == null && capacityDriven) {
            best = bestCandidate(donor, receivers, metric, need, false);
        }
        if (best == null) {
            return false;
        }
        Load moving = bucketLoad[best.bucket];
        targetLoad.put(donor, targetLoad.get(donor).minus(moving));
        targetLoad.put(best.receiver, targetLoad.get(best.receiver).plus(moving));
        owner[best.bucket] = best.receiver;
        moved[best.bucket] = true;
        moves.add(new BucketMove(best.bucket, donor, best.receiver, moving.rows(), moving.bytes(), moving.writesPerSec()));
        return true;
    }

    private Candidate bestCandidate(String donor, List<String> receivers, Function<Load, Double> metric, double need,
                                    boolean keepSkewBound) {
        Candidate best = null;
        for (int b = 0; b < owner.length; b++) {
            if (moved[b] || !owner[b].equals(donor) || metric.apply(bucketLoad[b]) <= 0) {
                continue;
            }
            String receiver = firstReceiver(receivers, bucketLoad[b], keepSkewBound);
            if (receiver == null) {
                continue;
            }
            Candidate c = new Candidate(b, receiver, metric.apply(bucketLoad[b]), bucketLoad[b].bytes());
            if (best == null || c.betterThan(best, need)) {
                best = c;
            }
        }
        return best;
    }

    private String firstReceiver(List<String> receivers, Load bucket, boolean keepSkewBound) {
        for (String r : receivers) {
            Load after = targetLoad.get(r).plus(bucket);
            if (fits(r, after) && (!keepSkewBound || share(after) <= bound(r) + EPS)) {
                return r;
            }
        }
        return null;
    }

    private record Candidate(int bucket, String receiver, double amount, long bytes) {
        boolean covers(double need) {
            return amount >= need - EPS;
        }

        boolean betterThan(Candidate other, double need) {
            if (covers(need) != other.covers(need)) {
                return covers(need);
            }
            if (covers(need)) {
                return bytes != other.bytes ? bytes < other.bytes : amount < other.amount;
            }
            return amount != other.amount ? amount > other.amount : bytes < other.bytes;
        }
    }
}
