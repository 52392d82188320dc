package io.shardshift.sink.pg.internal;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.AddedColumn;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.IndexDef;
import io.shardshift.core.schema.Partitioning;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.schema.UserType;
import io.shardshift.core.sql.SqlIdentifiers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/** Builds the DDL that provisions a target: schemas, tables with the fence column, indexes, tombstones. */
public final class DdlBuilder {
    private static final Set<String> METHODS = Set.of("btree", "hash", "gist", "gin", "brin", "spgist");

    private DdlBuilder() {
    }

    /** {@code CREATE SCHEMA IF NOT EXISTS "name"}. */
    public static String createSchema(String schema) {
        return "CREATE SCHEMA IF NOT EXISTS " + SqlIdentifiers.quote(schema);
    }

    /**
     * {@code CREATE TABLE IF NOT EXISTS} with the table's columns (types and NOT NULL kept), the fence column
     * and the primary key.
     *
     * @throws IllegalArgumentException naming the table and column when a type or key is not valid
     */
    public static String createTable(TableSchema table) {
        TableSql.validate(table);
        StringJoiner cols = new StringJoiner(",\n  ", "(\n  ", "\n)");
        for (ColumnDef c : table.columns()) {
            cols.add(SqlIdentifiers.quote(c.name()) + " " + c.type().trim() + (c.notNull() ? " NOT NULL" : "")
                    + (c.isGenerated() ? " GENERATED ALWAYS AS (" + c.generated() + ") STORED" : ""));
        }
        cols.add(SqlIdentifiers.quote(Names.FENCE_COLUMN) + " bigint NOT NULL DEFAULT 0");
        StringJoiner key = new StringJoiner(", ", "PRIMARY KEY (", ")");
        table.primaryKey().forEach(k -> key.add(SqlIdentifiers.quote(k)));
        cols.add(key.toString());
        return "CREATE TABLE IF NOT EXISTS " + table.id().quoted() + " " + cols;
    }

    /**
     * {@code CREATE TABLE IF NOT EXISTS} as {@link #createTable(TableSchema)}, partitioned as the source is
     * ({@code PARTITION BY} its key definition) when {@code partitioning} is given.
     */
    public static String createTable(TableSchema table, Partitioning partitioning) {
        String sql = createTable(table);
        return partitioning == null ? sql : sql + " PARTITION BY " + partitioning.keyDef();
    }

    /** {@code CREATE TABLE IF NOT EXISTS <partition> PARTITION OF <parent> <bound>}. */
    public static String createPartition(TableId parent, Partitioning.Partition partition) {
        return "CREATE TABLE IF NOT EXISTS " + partition.id().quoted() + " PARTITION OF " + parent.quoted() + " "
                + partition.bound();
    }

    /**
     * {@code CREATE INDEX IF NOT EXISTS} for each secondary index. Indexes are created non-unique even when
     * the source's is unique: the targets apply different keys' changes in a different order than the source
     * committed them, so a unique index could reject a valid change for a while (a value moving from one
     * key to another).
     *
     * @throws IllegalArgumentException naming the table and index when a name, method or column is not valid
     */
    public static List<String> createIndexes(TableSchema table) {
        List<String> sql = new ArrayList<>();
        for (IndexDef ix : table.indexes()) {
            sql.add("CREATE INDEX IF NOT EXISTS " + SqlIdentifiers.quote(ix.name()) + " ON " + table.id().quoted()
                    + indexBody(table, ix));
        }
        return sql;
    }

    /**
     * {@code CREATE UNIQUE INDEX CONCURRENTLY "name" ON table USING btree (columns)}: the unique index of the
     * source, built under another name beside its non-unique stand-in. It must run outside a transaction.
     *
     * @throws IllegalArgumentException naming the table and index when the index is not unique or not valid
     */
    public static String createUniqueIndexConcurrently(TableSchema table, IndexDef ix, String name) {
        if (!ix.unique()) {
            throw new IllegalArgumentException("index " + ix.name() + " of table " + table.id() + " is not unique");
        }
        if (ix.method() != null && !ix.method().equalsIgnoreCase("btree")) {
            throw new IllegalArgumentException("index " + ix.name() + " of table " + table.id() + " is unique with "
                    + "access method '" + ix.method() + "'; PostgreSQL has unique indexes only with btree");
        }
        return "CREATE UNIQUE INDEX CONCURRENTLY " + SqlIdentifiers.quote(name) + " ON " + table.id().quoted()
                + indexBody(table, ix);
    }

    /**
     * {@code CREATE INDEX CONCURRENTLY "name" ON table USING method (columns)}: a non-unique stand-in of a unique
     * index of the source, built under another name beside the unique one. It must run outside a transaction.
     */
    public static String createIndexConcurrently(TableSchema table, IndexDef ix, String name) {
        return "CREATE INDEX CONCURRENTLY " + SqlIdentifiers.quote(name) + " ON " + table.id().quoted()
                + indexBody(table, ix);
    }

    /** {@code DROP INDEX CONCURRENTLY IF EXISTS "schema"."name"}; it must run outside a transaction. */
    public static String dropIndexConcurrently(String schema, String name) {
        return "DROP INDEX CONCURRENTLY IF EXISTS " + SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(name);
    }

    /** {@code ALTER INDEX "schema"."from" RENAME TO "to"}. */
    public static String renameIndex(String schema, String from, String to) {
        return "ALTER INDEX " + SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(from) + " RENAME TO "
                + SqlIdentifiers.quote(to);
    }

    /** {@code  USING method ("a", "b")}, validated. */
    private static String indexBody(TableSchema table, IndexDef ix) {
        String where = "index " + ix.name() + " of table " + table.id();
        SqlIdentifiers.requireValid(ix.name(), where);
        String method = ix.method() == null ? "btree" : ix.method().toLowerCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException(where + " uses access method '" + ix.method()
                    + "' (expected one of " + METHODS + ")");
        }
        if (ix.columns().isEmpty()) {
            throw new IllegalArgumentException(where + " has no columns");
        }
        StringJoiner cols = new StringJoiner(", ", "(", ")");
        for (String c : ix.columns()) {
            if (table.indexOf(c) < 0) {
                throw new IllegalArgumentException(where + " names column " + c + ", which the table does not have");
            }
            cols.add(SqlIdentifiers.quote(c));
        }
        return " USING " + method + " " + cols;
    }

    /**
     * The statement that creates a user-defined type as the source defines it: {@code CREATE TYPE ... AS ENUM},
     * {@code CREATE DOMAIN ... AS base [NOT NULL] [CONSTRAINT c CHECK (...)]}, {@code CREATE TYPE ... AS (...)}.
     *
     * @throws IllegalArgumentException for an {@link UserType.Kind#EXTERNAL} type, which Shardshift does not create
     */
    public static String createType(UserType type) {
        return switch (type.kind()) {
            case ENUM -> {
                StringJoiner labels = new StringJoiner(", ", "(", ")");
                type.labels().forEach(l -> labels.add(literal(l)));
                yield "CREATE TYPE " + type.quoted() + " AS ENUM " + labels;
            }
            case DOMAIN -> {
                StringBuilder sql = new StringBuilder("CREATE DOMAIN ").append(type.quoted()).append(" AS ")
                        .append(type.baseType());
                if (type.notNull()) {
                    sql.append(" NOT NULL");
                }
                for (String check : type.checks()) {
                    int bar = check.indexOf('|');
                    sql.append(" CONSTRAINT ").append(SqlIdentifiers.quote(check.substring(0, bar))).append(' ')
                            .append(check.substring(bar + 1));
                }
                yield sql.toString();
            }
            case COMPOSITE -> {
                StringJoiner attrs = new StringJoiner(", ", "(", ")");
                type.attributes().forEach(a -> attrs.add(SqlIdentifiers.quote(a.name()) + " " + a.type()));
                yield "CREATE TYPE " + type.quoted() + " AS " + attrs;
            }
            case EXTERNAL -> throw new IllegalArgumentException("type " + type + " is not created by Shardshift"
                    + (type.extension() == null ? "" : "; install extension " + type.extension()) + " on the target");
        };
    }

    /**
     * {@code ALTER TABLE ... ADD COLUMN IF NOT EXISTS}: the column's type, collation and {@code NOT NULL}, and
     * as its default the value the source's rows from before the addition have (so rows already on the target,
     * and rows written without the column, get it); no default when that value is NULL.
     */
    public static String addColumn(TableId table, AddedColumn added) {
        ColumnDef c = added.column();
        TypeNames.requireValid(c.type(), table.toString(), c.name());
        StringBuilder sql = new StringBuilder("ALTER TABLE ").append(table.quoted()).append(" ADD COLUMN IF NOT EXISTS ")
                .append(SqlIdentifiers.quote(c.name())).append(' ').append(c.type().trim());
        if (added.collation() != null) {
            sql.append(" COLLATE ").append(added.collation());
        }
        if (added.valueBeforeAdd() != null) {
            sql.append(" DEFAULT CAST(").append(literal(added.valueBeforeAdd())).append(" AS ").append(c.type().trim())
                    .append(')');
        }
        if (c.notNull()) {
            sql.append(" NOT NULL");
        }
        return sql.toString();
    }

    /** {@code ALTER TABLE ... ALTER COLUMN ... TYPE}, for a widening (every value is kept as it is). */
    public static String alterColumnType(TableId table, String column, String type) {
        TypeNames.requireValid(type, table.toString(), column);
        return "ALTER TABLE " + table.quoted() + " ALTER COLUMN " + SqlIdentifiers.quote(column) + " TYPE " + type.trim();
    }

    /** A string literal, quotes doubled ({@code standard_conforming_strings} is on from PostgreSQL 9.1). */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** {@code CREATE TABLE IF NOT EXISTS "shardshift"."shardshift_tombstones"}. */
    public static String createTombstones() {
        return "CREATE TABLE IF NOT EXISTS " + Names.TOMBSTONES_QUOTED
                + " (table_name text NOT NULL, key text[] NOT NULL, lsn bigint NOT NULL, PRIMARY KEY (table_name, key))";
    }
}
