package io.shardshift.sink.pg.internal;

import io.shardshift.core.event.TableId;
import io.shardshift.core.sql.SqlIdentifiers;

/** The names Shardshift adds to a target database: the fence column and the tombstone table. */
public final class Names {
    /** The column that stores the fence (source LSN of the last write, 0 for snapshot rows). */
    public static final String FENCE_COLUMN = "_ss_lsn";
    /** The schema that holds Shardshift's own tables on a target. */
    public static final String SCHEMA = "shardshift";
    /** The table of tombstones: {@code (table_name text, key text[], lsn bigint)}. */
    public static final String TOMBSTONES = "shardshift_tombstones";
    /** {@code "shardshift"."shardshift_tombstones"}. */
    public static final String TOMBSTONES_QUOTED = SqlIdentifiers.quote(SCHEMA) + "." + SqlIdentifiers.quote(TOMBSTONES);

    private Names() {
    }

    /** The value of {@code table_name} in the tombstone table for a table, e.g. {@code public.orders}. */
    public static String tombstoneTableName(TableId table) {
        return table.toString();
    }
}
