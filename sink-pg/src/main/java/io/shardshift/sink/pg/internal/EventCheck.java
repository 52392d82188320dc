package io.shardshift.sink.pg.internal;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.Operation;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Finds events a target can never apply, before they reach the database: another table, another key, a
 * column the target lacks, or a row image without a value for one of the columns it writes (which would
 * otherwise be written as NULL).
 */
public final class EventCheck {
    private EventCheck() {
    }

    /**
     * Why the event cannot be applied to a target holding these tables, or {@code null} when it can.
     *
     * @param tables the target's tables by {@code schema.table}
     */
    public static String problem(ChangeEvent e, Map<String, TableSql> tables) {
        TableSql sql = tables.get(e.table().toString());
        if (sql == null) {
            return "table " + e.table() + " is not provisioned on this target";
        }
        if (e.op() == Operation.TRUNCATE) {
            return null;
        }
        TableSchema table = sql.table();
        if (!new HashSet<>(table.primaryKey()).equals(e.key().keySet())) {
            return "event key columns " + e.key().keySet() + " do not match the primary key "
                    + table.primaryKey() + " of " + e.table();
        }
        if (e.after() != null) {
            Set<String> known = new HashSet<>(table.columnNames());
            for (String column : e.after().keySet()) {
                if (!known.contains(column)) {
                    return "column " + column + " is not in table " + e.table() + " on this target";
                }
            }
            for (ColumnDef c : table.writableColumns()) {
                if (!e.after().containsKey(c.name())) {
                    return "column " + c.name() + " of " + e.table() + " has no value in the change at " + e.position()
                            + " (an unchanged TOAST value the source did not send: is REPLICA IDENTITY FULL still set?"
                            + " Run ALTER TABLE " + e.table().quoted() + " REPLICA IDENTITY FULL, then replay or"
                            + " re-backfill the table); writing it would lose the value";
                }
            }
        }
        return null;
    }
}
