package io.shardshift.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One flip of a keyed topic's route, as kept in the {@code flips} list of the route record: the generation it
 * made live, the partition counts it went from and to, and the fence, the end offset of every partition of the
 * topic when producers were frozen for it. Records at or after {@code fence[p]} on partition {@code p} were
 * written under this flip's route (or a later one).
 *
 * <p>A key with murmur2 hash {@code h} lives on {@code h % from} before the flip and {@code h % to} after it, so
 * partition {@code x} of the new route can receive keys from the partitions {@code y < from} with
 * {@code y ≡ x (mod gcd(from, to))}: for an in-place expansion n to 2n that is {@code x % n}, for a rollback
 * 2n to n it is {@code x} and {@code x + n}.
 *
 * @param generation     the route generation the flip made live
 * @param fromPartitions the partition count of the route before the flip
 * @param toPartitions   the partition count of the route after it
 * @param fence          end offset of every partition at the flip (a partition absent here was empty: 0)
 */
public record StreamFlip(long generation, int fromPartitions, int toPartitions, Map<Integer, Long> fence) {

    public StreamFlip {
        if (fromPartitions < 1 || toPartitions < 1) {
            throw new IllegalArgumentException("a flip needs partition counts of at least 1, was " + fromPartitions
                    + " -> " + toPartitions);
        }
        fence = Map.copyOf(fence);
    }

    /** The fence offset of a partition (0 when it did not exist or was empty at the flip). */
    public long fenceOf(int partition) {
        return fence.getOrDefault(partition, 0L);
    }

    /** The partitions of the route before the flip whose keys can move to partition {@code x} of the new route. */
    public List<Integer> sources(int x) {
        int g = gcd(fromPartitions, toPartitions);
        List<Integer> out = new ArrayList<>();
        for (int y = x % g; y < fromPartitions; y += g) {
            out.add(y);
        }
        return out;
    }

    static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
