package io.shardshift.core.schema;

import io.shardshift.core.sql.SqlIdentifiers;

/**
 * A column of a source table.
 *
 * @param name      the column name
 * @param type      the type as PostgreSQL's {@code format_type} prints it, e.g. {@code numeric(12,2)}
 * @param notNull   whether the column is {@code NOT NULL}
 * @param generated for a stored generated column, its expression as {@code pg_get_expr} prints it (e.g.
 *                  {@code (price * (qty)::numeric)}); {@code null} for a plain column. Targets compute such a
 *                  column themselves, so it is never written.
 */
public record ColumnDef(String name, String type, boolean notNull, String generated) {
    public ColumnDef {
        SqlIdentifiers.requireValid(name, "column");
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("column " + name + " has no type");
        }
        if (generated != null && generated.isBlank()) {
            generated = null;
        }
    }

    /** A plain (not generated) column. */
    public ColumnDef(String name, String type, boolean notNull) {
        this(name, type, notNull, null);
    }

    /** Whether this is a stored generated column, which the target computes and nobody writes. */
    public boolean isGenerated() {
        return generated != null;
    }
}
