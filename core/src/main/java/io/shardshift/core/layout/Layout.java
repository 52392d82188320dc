package io.shardshift.core.layout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A shard layout: which target holds each row, decided by the row's shard key value.
 *
 * <p>Routing, in this order: a shard key value named in {@link #hotTenants()} goes to its dedicated
 * target; any other value goes to the target of its bucket, where
 * {@code bucket = unsigned(murmur3_x86_32(utf8(value), seed 0)) mod buckets}. A SQL NULL shard key routes
 * as the empty string. The {@link #generation()} numbers layouts: the routing generation that the config
 * topic flips at cutover.
 */
public final class Layout {
    private final long generation;
    private final String shardKey;
    private final List<String> bucketTargets;
    private final Map<String, String> hotTenants;

    /**
     * @param generation    the routing generation, at least 1
     * @param shardKey      the default shard key column name
     * @param bucketTargets the target of each bucket; its size is the number of buckets
     * @param hotTenants    shard key values with a dedicated target
     */
    public Layout(long generation, String shardKey, List<String> bucketTargets, Map<String, String> hotTenants) {
        if (generation < 1) {
            throw new IllegalArgumentException("layout.generation must be at least 1, was " + generation);
        }
        this.generation = generation;
        this.shardKey = Objects.requireNonNull(shardKey, "shardKey");
        if (bucketTargets == null || bucketTargets.isEmpty()) {
            throw new IllegalArgumentException("layout needs at least one bucket");
        }
        for (int i = 0; i < bucketTargets.size(); i++) {
            if (bucketTargets.get(i) == null || bucketTargets.get(i).isBlank()) {
                throw new IllegalArgumentException("layout bucket " + i + " has no target");
            }
        }
        this.bucketTargets = List.copyOf(bucketTargets);
        this.hotTenants = Collections.unmodifiableMap(new LinkedHashMap<>(hotTenants == null ? Map.of() : hotTenants));
    }

    /**
     * A layout that spreads {@code buckets} buckets over the targets in contiguous, nearly equal ranges:
     * with 64 buckets and targets {@code [a, b]}, buckets 0-31 go to {@code a} and 32-63 to {@code b}.
     */
    public static Layout evenRanges(long generation, String shardKey, int buckets, List<String> targets,
                                    Map<String, String> hotTenants) {
        if (targets == null || targets.isEmpty()) {
            throw new IllegalArgumentException("layout needs at least one target");
        }
        if (buckets < targets.size()) {
            throw new IllegalArgumentException("layout.buckets (" + buckets + ") must be at least the number of targets ("
                    + targets.size() + ")");
        }
        List<String> map = new ArrayList<>(buckets);
        for (int b = 0; b < buckets; b++) {
            map.add(targets.get((int) ((long) b * targets.size() / buckets)));
        }
        return new Layout(generation, shardKey, map, hotTenants);
    }

    /** The bucket of a shard key value. */
    public static int bucketOf(String shardKeyValue, int buckets) {
        int h = Murmur3.hash32(shardKeyValue == null ? "" : shardKeyValue, 0);
        return (int) (Integer.toUnsignedLong(h) % buckets);
    }

    /** The bucket of a shard key value in this layout. */
    public int bucketOf(String shardKeyValue) {
        return bucketOf(shardKeyValue, bucketTargets.size());
    }

    /** The target that holds rows with this shard key value. */
    public String targetFor(String shardKeyValue) {
        String hot = hotTenants.get(shardKeyValue == null ? "" : shardKeyValue);
        return hot != null ? hot : bucketTargets.get(bucketOf(shardKeyValue));
    }

    /** Every target this layout routes to, bucket targets first, in first-use order. */
    public Set<String> targets() {
        Set<String> all = new LinkedHashSet<>(bucketTargets);
        all.addAll(hotTenants.values());
        return Collections.unmodifiableSet(all);
    }

    public long generation() {
        return generation;
    }

    /** The default shard key column; a table may name its own in the spec. */
    public String shardKey() {
        return shardKey;
    }

    public int buckets() {
        return bucketTargets.size();
    }

    /** The target of each bucket, indexed by bucket. */
    public List<String> bucketTargets() {
        return bucketTargets;
    }

    /** Shard key values with a dedicated target. */
    public Map<String, String> hotTenants() {
        return hotTenants;
    }

    /** This layout with another bucket map and hot tenants, one generation later. */
    public Layout next(List<String> newBucketTargets, Map<String, String> newHotTenants) {
        return new Layout(generation + 1, shardKey, newBucketTargets, newHotTenants);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layout l && l.generation == generation && l.shardKey.equals(shardKey)
                && l.bucketTargets.equals(bucketTargets) && l.hotTenants.equals(hotTenants);
    }

    @Override
    public int hashCode() {
        return Objects.hash(generation, shardKey, bucketTargets, hotTenants);
    }

    @Override
    public String toString() {
        return "Layout{gen=" + generation + ", shardKey=" + shardKey + ", buckets=" + bucketTargets.size()
                + ", targets=" + targets() + ", hot=" + hotTenants.keySet() + "}";
    }
}
