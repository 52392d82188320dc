package io.shardshift.verify.internal;

import io.shardshift.core.layout.Layout;

import java.util.HashMap;
import java.util.Map;

/**
 * Decides whether one chunk matches from its checksums alone: the source's rows of each shard key value
 * must be exactly the rows of that value in the target the layout routes it to, and no target may hold
 * rows of a value routed elsewhere. So a missing, extra, changed or misplaced row all make the chunk differ.
 */
public final class ChunkCompare {
    private ChunkCompare() {
    }

    /**
     * @param source   the source's checksum per shard key value (see {@link ShardValues})
     * @param byTarget each target's checksum per shard key value
     * @param layout   the layout
     * @return whether every target holds exactly what the source says it should
     */
    public static boolean matches(Map<String, ChunkSum> source, Map<String, Map<String, ChunkSum>> byTarget,
                                  Layout layout) {
        Map<String, Map<String, ChunkSum>> expected = new HashMap<>();
        source.forEach((shard, sum) -> {
            if (sum.rows() > 0) {
                expected.computeIfAbsent(layout.targetFor(ShardValues.value(shard)), t -> new HashMap<>()).put(shard, sum);
            }
        });
        for (String target : union(expected, byTarget)) {
            Map<String, ChunkSum> want = expected.getOrDefault(target, Map.of());
            Map<String, ChunkSum> have = withoutEmpty(byTarget.getOrDefault(target, Map.of()));
            if (!want.equals(have)) {
                return false;
            }
        }
        return true;
    }

    private static java.util.Set<String> union(Map<String, ?> a, Map<String, ?> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a.keySet());
        all.addAll(b.keySet());
        return all;
    }

    private static Map<String, ChunkSum> withoutEmpty(Map<String, ChunkSum> sums) {
        Map<String, ChunkSum> out = new HashMap<>();
        sums.forEach((k, v) -> {
            if (v.rows() > 0) {
                out.put(k, v);
            }
        });
        return out;
    }
}
