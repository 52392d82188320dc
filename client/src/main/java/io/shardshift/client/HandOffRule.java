package io.shardshift.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;

/**
 * The consumer hand-off rule of a keyed topic whose route flipped, pure. A record at offset {@code o} of
 * partition {@code x} belongs to the last flip {@code g} with {@code fence_g[x] <= o}; it may be processed once
 * every source partition {@code y} of {@code x} under {@code g} ({@link StreamFlip#sources}) is <em>done
 * through g</em>: processed up to {@code fence_g[y]}, and (recursively) its own sources done through the flip
 * before {@code g}, so a key that skipped a generation on some partition is still handed over in order.
 *
 * <pre>{@code
 * HandOffRule rule = new HandOffRule(route.flips());
 * rule.released(4, 120, progress)    // progress.applyAsLong(y): next offset processed (or committed) on y
 * }</pre>
 */
public final class HandOffRule {
    private final List<StreamFlip> flips;

    /** @param flips the route's flips, oldest first */
    public HandOffRule(List<StreamFlip> flips) {
        this.flips = List.copyOf(flips);
    }

    /** Whether the record at {@code offset} of {@code partition} may be processed now. */
    public boolean released(int partition, long offset, IntToLongFunction progress) {
        return blockers(partition, offset, progress).isEmpty();
    }

    /**
     * The partitions that hold the record back, as {@code "y<fence"} texts (empty: released). {@code progress}
     * gives, per partition, the next offset to process (what has been processed, or committed by the group).
     */
    public List<String> blockers(int partition, long offset, IntToLongFunction progress) {
        int g = flipOf(partition, offset);
        List<String> out = new ArrayList<>();
        if (g < 0) {
            return out;
        }
        Map<Long, Boolean> memo = new HashMap<>();
        for (int y : flips.get(g).sources(partition)) {
            if (!done(y, g, partition, offset, progress, memo)) {
                out.add(y + "<" + flips.get(g).fenceOf(y));
            }
        }
        return out;
    }

    /** The index of the flip the record belongs to, or -1 if it was written before the first flip. */
    int flipOf(int partition, long offset) {
        for (int i = flips.size() - 1; i >= 0; i--) {
            if (flips.get(i).fenceOf(partition) <= offset) {
                return i;
            }
        }
        return -1;
    }

    private boolean done(int y, int g, int self, long selfOffset, IntToLongFunction progress, Map<Long, Boolean> memo) {
        long key = ((long) g << 32) | y;
        Boolean known = memo.get(key);
        if (known != null) {
            return known;
        }
        long fence = flips.get(g).fenceOf(y);
        long at = y == self ? selfOffset : progress.applyAsLong(y);
        boolean ok = at >= fence;
        if (ok && g > 0) {
            for (int s : flips.get(g - 1).sources(y)) {
                ok = done(s, g - 1, self, selfOffset, progress, memo);
                if (!ok) {
                    break;
                }
            }
        }
        memo.put(key, ok);
        return ok;
    }
}
