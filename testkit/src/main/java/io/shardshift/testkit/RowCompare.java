package io.shardshift.testkit;

import io.shardshift.core.verify.CompareReport;
import io.shardshift.core.layout.Layout;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sql.SqlIdentifiers;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Compares every row of a source table with the rows of all targets, column by column, as a user would:
 * each source row must be in exactly the target the layout names, with equal values, and no target may hold
 * a row the source does not. Values are compared by PostgreSQL's text form of the row, so equal values of
 * equal types compare equal. This is the stop-the-world comparison of the demo and the tests; it reads
 * whole tables and is meant for an idle source.
 */
public final class RowCompare {
    /** Mismatches kept in a report; the count goes on. */
    public static final int MAX_REPORTED = 100;

    private RowCompare() {
    }

    /**
     * @param source   a connection to the source
     * @param targets  target name to a connection to it
     * @param table    the table's definition
     * @param shardKey the table's shard key column
     * @param layout   the layout that names each row's target
     */
    public static CompareReport compare(Connection source, Map<String, Connection> targets, TableSchema table,
                                        String shardKey, Layout layout) throws SQLException {
        return compare(source, targets, table, shardKey, layout, value -> true);
    }

    /**
     * Compares as {@link #compare(Connection, Map, TableSchema, String, Layout)}, for a tenant-scoped migration:
     * only the source rows whose shard key value {@code moves} must be in the targets; every other source row
     * is left out (and any target row the moved source rows do not account for is extra).
     *
     * @param moves whether the rows of a shard key value (text form, {@code null} for SQL NULL) move, e.g.
     *              {@code spec::moves}
     */
    public static CompareReport compare(Connection source, Map<String, Connection> targets, TableSchema table,
                                        String shardKey, Layout layout, Predicate<String> moves) throws SQLException {
        Map<String, String[]> targetRows = new HashMap<>();
        List<CompareReport.Mismatch> found = new ArrayList<>();
        long[] count = {0};
        long targetTotal = 0;
        for (Map.Entry<String, Connection> t : targets.entrySet()) {
            try (Statement st = t.getValue().createStatement(); ResultSet rs = st.executeQuery(select(table, shardKey))) {
                while (rs.next()) {
                    targetTotal++;
                    String key = rs.getString(1);
                    String[] prev = targetRows.put(key, new String[] {t.getKey(), rs.getString(2)});
                    if (prev != null) {
                        add(found, count, CompareReport.Kind.IN_SEVERAL_TARGETS, key, prev[0] + " and " + t.getKey());
                    }
                }
            }
        }
        long sourceTotal = 0;
        try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery(select(table, shardKey))) {
            while (rs.next()) {
                if (!moves.test(rs.getString(3))) {
                    continue;
                }
                sourceTotal++;
                String key = rs.getString(1);
                String[] inTarget = targetRows.remove(key);
                String expected = layout.targetFor(rs.getString(3));
                if (inTarget == null) {
                    add(found, count, CompareReport.Kind.MISSING_IN_TARGET, key, "expected in " + expected);
                } else if (!inTarget[0].equals(expected)) {
                    add(found, count, CompareReport.Kind.WRONG_TARGET, key, "in " + inTarget[0] + ", expected in " + expected);
                } else if (!inTarget[1].equals(rs.getString(2))) {
                    add(found, count, CompareReport.Kind.DIFFERENT_VALUES, key,
                            "source " + rs.getString(2) + " target " + inTarget[1]);
                }
            }
        }
        for (Map.Entry<String, String[]> extra : targetRows.entrySet()) {
            add(found, count, CompareReport.Kind.EXTRA_IN_TARGET, extra.getKey(), "in " + extra.getValue()[0]);
        }
        return CompareReport.of(table.id().toString(), sourceTotal, targetTotal, found, count[0]);
    }

    private static String select(TableSchema table, String shardKey) {
        String key = String.join(", ", table.primaryKey().stream().map(SqlIdentifiers::quote).toList());
        String cols = String.join(", ", table.columnNames().stream().map(SqlIdentifiers::quote).toList());
        return "SELECT ROW(" + key + ")::text, ROW(" + cols + ")::text, " + SqlIdentifiers.quote(shardKey)
                + "::text FROM " + table.id().quoted();
    }

    private static void add(List<CompareReport.Mismatch> found, long[] count, CompareReport.Kind kind, String key,
                            String detail) {
        count[0]++;
        if (found.size() < MAX_REPORTED) {
            found.add(new CompareReport.Mismatch(kind, key, detail));
        }
    }
}
