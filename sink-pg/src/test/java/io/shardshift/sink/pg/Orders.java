package io.shardshift.sink.pg;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.IndexDef;
import io.shardshift.core.schema.TableSchema;

import java.util.List;

/**
 * The table the provisioning tests create, {@code sales.orders}, keyed by {@code (tenant, id)}, with a unique
 * index {@code orders_code_key (code)}, a two-column btree index and a gin index.
 */
public final class Orders {
    public static final TableSchema SCHEMA = new TableSchema(new TableId("sales", "orders"),
            List.of(new ColumnDef("tenant", "text", true), new ColumnDef("id", "bigint", true),
                    new ColumnDef("total", "numeric(12,2)", false), new ColumnDef("code", "character varying(8)", true),
                    new ColumnDef("placed", "timestamp with time zone", false), new ColumnDef("tags", "text[]", false)),
            List.of("tenant", "id"),
            List.of(new IndexDef("orders_code_key", true, "btree", List.of("code")),
                    new IndexDef("orders_placed_total", false, "btree", List.of("placed", "total")),
                    new IndexDef("orders_tags", false, "gin", List.of("tags"))),
            true);

    private Orders() {
    }
}
