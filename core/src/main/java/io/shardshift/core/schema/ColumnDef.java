package io.shardshift.core.schema;

import io.shardshift.core.sql.SqlIdentifiers;

/**
 * A column of a source table.
 *
 * @param name    the column name
 * @param type    the type as PostgreSQL's {@code format_type} prints it, e.g. {@code numeric(12,2)}
 * @param notNull whether the column is {@code NOT NULL}
 */
public record ColumnDef(String name, String type, boolean notNull) {
    public ColumnDef {
        SqlIdentifiers.requireValid(name, "column");
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("column " + name + " has no type");
        }
    }
}
