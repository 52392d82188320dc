package io.shardshift.core.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The result of comparing a source table with its targets: rows compared and every mismatch with its key.
 *
 * @param table       the table
 * @param sourceRows  rows in the source
 * @param targetRows  rows over all targets
 * @param mismatches  each mismatch (at most a bounded number, e.g. 1000 are kept)
 * @param mismatchCount the number of mismatches found, including those not kept
 */
public record CompareReport(String table, long sourceRows, long targetRows, List<Mismatch> mismatches,
                            long mismatchCount) {

    /** The kinds of difference between a source row and the targets. */
    public enum Kind { MISSING_IN_TARGET, EXTRA_IN_TARGET, DIFFERENT_VALUES, WRONG_TARGET, IN_SEVERAL_TARGETS }

    /**
     * One difference.
     *
     * @param kind   what is wrong
     * @param key    the primary key, as PostgreSQL prints a row of the key columns
     * @param detail the expected and found target, or the two row texts
     */
    public record Mismatch(Kind kind, String key, String detail) {
    }

    /** Whether the targets hold exactly the source rows, each in the target the layout names. */
    public boolean clean() {
        return mismatchCount == 0;
    }

    /** A report that keeps its own copy of the mismatches found. */
    public static CompareReport of(String table, long sourceRows, long targetRows, List<Mismatch> found, long count) {
        return new CompareReport(table, sourceRows, targetRows, Collections.unmodifiableList(new ArrayList<>(found)), count);
    }

    @Override
    public String toString() {
        return table + ": " + sourceRows + " source rows, " + targetRows + " target rows, " + mismatchCount
                + " mismatches" + (mismatches.isEmpty() ? "" : " e.g. " + mismatches.subList(0, Math.min(5, mismatches.size())));
    }
}
