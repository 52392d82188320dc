package io.shardshift.engine.topology.internal;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares the columns a change carries with the columns its table has on the targets. A row is never
 * written when they differ: a missing column would be written as NULL (or a stale value), an unknown one
 * cannot be written at all.
 */
public final class SchemaDrift {
    private SchemaDrift() {
    }

    /**
     * Why the change's row does not fit the table on the targets, naming the columns, or {@code null} when
     * it fits (or carries no row: deletes and truncates are applied by key).
     */
    public static String problem(ChangeEvent e, TableSchema onTargets) {
        if (onTargets == null || e.after() == null) {
            return null;
        }
        Set<String> carried = e.after().keySet();
        if (fits(carried, onTargets)) {
            return null;
        }
        Set<String> missing = new TreeSet<>();
        onTargets.writableColumns().forEach(c -> missing.add(c.name()));
        missing.removeAll(carried);
        Set<String> unknown = new TreeSet<>(carried);
        onTargets.columnNames().forEach(unknown::remove);
        if (missing.isEmpty() && unknown.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder("the source's columns of ").append(e.table()).append(" changed:");
        if (!missing.isEmpty()) {
            out.append(" column").append(missing.size() > 1 ? "s " : " ").append(String.join(", ", missing))
                    .append(missing.size() > 1 ? " are" : " is").append(" no longer in the changes (dropped or renamed; or an unchanged TOAST value the change"
                    + " could not carry because REPLICA IDENTITY FULL is off)");
        }
        if (!unknown.isEmpty()) {
            out.append(missing.isEmpty() ? "" : ";").append(" new column").append(unknown.size() > 1 ? "s " : " ")
                    .append(String.join(", ", unknown)).append(unknown.size() > 1 ? " are" : " is")
                    .append(" not on the targets");
        }
        return out.append("; apply the same DDL to every target, then resume the table").toString();
    }

    /** The common case without allocating (this runs for every row change): exactly the writable columns. */
    private static boolean fits(Set<String> carried, TableSchema onTargets) {
        int writable = 0;
        for (ColumnDef c : onTargets.columns()) {
            if (!c.isGenerated()) {
                if (!carried.contains(c.name())) {
                    return false;
                }
                writable++;
            }
        }
        return carried.size() == writable;
    }

    /**
     * The change without the columns in {@code dropped}: a change older than a resumed DROP COLUMN still
     * carries the dropped column, which no longer exists anywhere.
     */
    public static ChangeEvent withoutColumns(ChangeEvent e, Set<String> dropped) {
        if (dropped.isEmpty() || e.after() == null || e.after().keySet().stream().noneMatch(dropped::contains)) {
            return e;
        }
        return ChangeEvent.of(e.op(), e.table(), e.key(), strip(e.before(), dropped), strip(e.after(), dropped),
                e.position());
    }

    private static Map<String, String> strip(Map<String, String> row, Set<String> dropped) {
        if (row == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>(row);
        out.keySet().removeAll(dropped);
        return out;
    }
}
