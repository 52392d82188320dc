package io.shardshift.verify.internal;

import io.shardshift.core.verify.CompareReport;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.layout.Layout;
import io.shardshift.core.verify.CompareReport.Kind;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Classifies one key from what the source and the targets hold for it. Pure.
 *
 * <p>Position-aware: {@code readLsn} is a source WAL position taken after the source row was read (with
 * the row locked), and every change committed before it is applied to the targets when they are read. A
 * target whose row fence or tombstone is above {@code readLsn} has applied a newer change than the one
 * read, so the key is {@link Outcome#INCONCLUSIVE} and must be read again; otherwise any difference is real.
 */
public final class KeyCheck {
    /** How a key compares. */
    public enum Outcome { EQUAL, DIFFERENT, INCONCLUSIVE }

    /**
     * The verdict on one key.
     *
     * @param outcome  equal, different or not decidable yet
     * @param kind     the kind of difference, when different
     * @param detail   what was expected and found
     * @param expected the target the layout names for the source row, or {@code null}
     * @param holders  the rows the targets hold for the key
     */
    public record Verdict(Outcome outcome, Kind kind, String detail, String expected, List<TargetRow> holders) {
        static Verdict of(Outcome o) {
            return new Verdict(o, null, null, null, List.of());
        }
    }

    private KeyCheck() {
    }

    /**
     * @param source     the source row, or {@code null} when the source has no row of the key
     * @param holders    the rows of the key held by the targets (any number)
     * @param tombstones each target's tombstone LSN of the key, where one exists
     * @param layout     the layout
     * @param readLsn    the position the source row was read at ({@link Long#MAX_VALUE}: ignore positions)
     */
    public static Verdict check(SourceRow source, List<TargetRow> holders, Map<String, Long> tombstones,
                                Layout layout, long readLsn) {
        boolean newer = holders.stream().anyMatch(h -> h.fence() > readLsn)
                || tombstones.values().stream().anyMatch(l -> l > readLsn);
        if (newer) {
            return Verdict.of(Outcome.INCONCLUSIVE);
        }
        if (source == null) {
            return holders.isEmpty() ? Verdict.of(Outcome.EQUAL)
                    : new Verdict(Outcome.DIFFERENT, Kind.EXTRA_IN_TARGET, "not in the source; in " + names(holders),
                    null, holders);
        }
        String expected = layout.targetFor(source.shardKey());
        if (holders.isEmpty()) {
            return new Verdict(Outcome.DIFFERENT, Kind.MISSING_IN_TARGET, "expected in " + expected, expected, holders);
        }
        if (holders.size() > 1 || !holders.get(0).target().equals(expected)) {
            return new Verdict(Outcome.DIFFERENT, Kind.WRONG_TARGET, "in " + names(holders) + ", expected only in "
                    + expected, expected, holders);
        }
        TargetRow row = holders.get(0);
        if (!row.text().equals(source.text())) {
            return new Verdict(Outcome.DIFFERENT, Kind.DIFFERENT_VALUES, "source " + source.text() + " " + expected
                    + " " + row.text() + (row.fence() > 0 ? " (fence " + Lsn.format(row.fence()) + ")" : ""),
                    expected, holders);
        }
        return Verdict.of(Outcome.EQUAL);
    }

    private static String names(List<TargetRow> holders) {
        return holders.stream().map(TargetRow::target).collect(Collectors.joining(" and "));
    }
}
