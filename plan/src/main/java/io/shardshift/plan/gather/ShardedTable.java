package io.shardshift.plan.gather;

import io.shardshift.core.event.TableId;
import io.shardshift.core.sql.SqlIdentifiers;

import java.util.Objects;

/**
 * A source table and its shard key column.
 *
 * @param table    the table
 * @param shardKey the column whose value routes a row
 */
public record ShardedTable(TableId table, String shardKey) {
    public ShardedTable {
        Objects.requireNonNull(table, "table");
        SqlIdentifiers.requireValid(shardKey, "shard key of " + table);
    }
}
