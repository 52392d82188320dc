package io.shardshift.cutover.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The one order in which the targets' reverse log entries are applied to the source: each target's entries in
 * its log order (seq), and across targets by the time each was logged, ties broken by target name and then seq.
 *
 * <p>Why this order: an application that moves a row from target A to B writes the delete on A and, after that
 * commits, the insert on B; so every write on B that depends on one on A was logged after that one, and the time
 * order applies them as the application made them. Copying one target after the other would not: a row moved
 * A -> B -> A within one round would get A's last write first and B's older write over it. The times come from
 * the targets' clocks, so the order across targets holds as long as those clocks differ by less than the time an
 * application takes between two writes of one row on different targets (keep them synchronized with NTP).
 *
 * <p>Only entries logged at or before a cutoff are taken, and from each target only the longest run (in seq order)
 * of those: the cutoff is the earliest time up to which every target's log is known ({@link LogHorizon}), so an
 * entry still to come from one target can never belong before an entry already applied from another.
 */
final class LogMerge {
    private static final Comparator<LogApplier.Entry> ORDER = Comparator.comparingLong(LogApplier.Entry::loggedAt)
            .thenComparing(LogApplier.Entry::target).thenComparingLong(LogApplier.Entry::seq);

    private LogMerge() {
    }

    /**
     * Merges the targets' entries (each list in seq order) into the order they are applied in.
     *
     * @param cutoff the latest logging time taken, in microseconds since the epoch ({@link Long#MAX_VALUE}: all)
     */
    static List<LogApplier.Entry> merge(Map<String, List<LogApplier.Entry>> byTarget, long cutoff) {
        record Head(List<LogApplier.Entry> entries, int index) {
            LogApplier.Entry entry() {
                return entries.get(index);
            }
        }
        PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::entry, ORDER));
        for (List<LogApplier.Entry> entries : byTarget.values()) {
            if (!entries.isEmpty() && entries.get(0).loggedAt() <= cutoff) {
                heads.add(new Head(entries, 0));
            }
        }
        List<LogApplier.Entry> out = new ArrayList<>();
        while (!heads.isEmpty()) {
            Head h = heads.poll();
            out.add(h.entry());
            int next = h.index() + 1;
            if (next < h.entries().size() && h.entries().get(next).loggedAt() <= cutoff) {
                heads.add(new Head(h.entries(), next));
            }
        }
        return out;
    }
}
