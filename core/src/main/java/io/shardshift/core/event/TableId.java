package io.shardshift.core.event;

import io.shardshift.core.sql.SqlIdentifiers;

/**
 * A source table, schema-qualified. Both parts are validated as plain SQL identifiers.
 *
 * @param schema the schema, e.g. {@code public}
 * @param table  the table name, e.g. {@code orders}
 */
public record TableId(String schema, String table) {

    public TableId {
        SqlIdentifiers.requireValid(schema, "schema");
        SqlIdentifiers.requireValid(table, "table");
    }

    /**
     * Parses {@code schema.table}, or {@code table} meaning {@code public.table}.
     *
     * @throws IllegalArgumentException naming the text when it is not a valid table name
     */
    public static TableId parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("table name is empty");
        }
        int dot = text.indexOf('.');
        if (dot < 0) {
            return new TableId("public", text);
        }
        if (text.indexOf('.', dot + 1) >= 0) {
            throw new IllegalArgumentException("table name '" + text + "' has more than one '.'");
        }
        return new TableId(text.substring(0, dot), text.substring(dot + 1));
    }

    /** The name quoted for SQL, e.g. {@code "public"."orders"}. */
    public String quoted() {
        return SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(table);
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}
