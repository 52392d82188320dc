package io.shardshift.sink.pg.internal;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.Operation;
import io.shardshift.core.schema.TableSchema;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Finds events a target can never apply, before they reach the database. */
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
        }
        return null;
    }
}
