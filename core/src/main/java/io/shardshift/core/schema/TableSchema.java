package io.shardshift.core.schema;

import io.shardshift.core.event.TableId;

import java.util.List;
import java.util.Optional;

/**
 * The definition of a source table, read from the source's catalog: what a target needs to create the
 * same table, and what the migrator needs to route its rows.
 *
 * @param id                  the table
 * @param columns             the columns in table order
 * @param primaryKey          the key columns in key order: the primary key, or for a table without one the
 *                            unique index on NOT NULL columns chosen as its key (never empty for a migrated table)
 * @param indexes             secondary indexes on plain columns
 * @param replicaIdentityFull whether {@code REPLICA IDENTITY FULL} is set, so updates carry the whole old row
 * @param userTypes           the user-defined types its columns use, directly or inside another type, each
 *                            after the types it depends on (a domain after its enum)
 */
public record TableSchema(TableId id, List<ColumnDef> columns, List<String> primaryKey, List<IndexDef> indexes,
                          boolean replicaIdentityFull, List<UserType> userTypes) {

    public TableSchema {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        indexes = List.copyOf(indexes);
        userTypes = List.copyOf(userTypes);
    }

    /** A table whose columns use only built-in types (or types that already exist on the targets). */
    public TableSchema(TableId id, List<ColumnDef> columns, List<String> primaryKey, List<IndexDef> indexes,
                       boolean replicaIdentityFull) {
        this(id, columns, primaryKey, indexes, replicaIdentityFull, List.of());
    }

    /** The columns a writer sets: every column except stored generated ones, in table order. */
    public List<ColumnDef> writableColumns() {
        return columns.stream().filter(c -> !c.isGenerated()).toList();
    }

    /** The column with this name. */
    public Optional<ColumnDef> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The position of a column in table order, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The column names in table order. */
    public List<String> columnNames() {
        return columns.stream().map(ColumnDef::name).toList();
    }
}
