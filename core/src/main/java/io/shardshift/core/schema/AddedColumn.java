package io.shardshift.core.schema;

/**
 * A column added to a source table during a migration, as the targets must add it so that rows written
 * before the {@code ADD COLUMN} read the same on both sides.
 *
 * @param column         the column (type as {@code format_type} prints it, {@code NOT NULL})
 * @param collation      the column's collation when it is not its type's default, as a quoted
 *                       {@code schema."name"}; {@code null} otherwise
 * @param valueBeforeAdd the value every row that existed before the {@code ADD COLUMN} got, in PostgreSQL's
 *                       text form (the evaluated non-volatile default), or {@code null} for NULL
 */
public record AddedColumn(ColumnDef column, String collation, String valueBeforeAdd) {
    public AddedColumn {
        if (column == null) {
            throw new IllegalArgumentException("an added column needs its definition");
        }
        if (collation != null && collation.isBlank()) {
            collation = null;
        }
    }
}
