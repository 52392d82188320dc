package io.shardshift.verify.internal;

import io.shardshift.cdc.ShardKeyFilter;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sql.SqlIdentifiers;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The statements the verifier runs on one table, on the source and on PostgreSQL targets alike (a target
 * table has the source's columns plus the fence column, which no row hash or row text includes).
 *
 * <p>Key bounds are compared as rows of the key columns, {@code (a, b) > (?::ta, ?::tb)}, so composite
 * keys chunk in index order. Bound parameters are the key values' text forms, cast to the column types.
 *
 * <p>In a tenant-scoped migration every statement run on the source also has the moved tenants' condition
 * ({@link ShardKeyFilter}), so the source's other rows count as absent and a target row of another tenant
 * shows as extra; statements run on a target are not filtered.
 */
public final class VerifySql {
    /** The fence column of target tables. */
    public static final String FENCE = "_ss_lsn";
    /** The tombstone table of PostgreSQL targets. */
    public static final String TOMBSTONES = "\"shardshift\".\"shardshift_tombstones\"";
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_ ,()\\[\\].\"]+");

    private final TableSchema table;
    private final String shardKey;
    private final List<ColumnDef> keyColumns = new ArrayList<>();
    private final String keyList;
    private final String rowText;
    private final String keyText;
    private final String sourceScope;

    /**
     * @throws IllegalArgumentException naming the table and column when the table has no primary key, the
     *                                  shard key is not one of its columns, or a key type is not plain
     */
    public VerifySql(TableSchema table, String shardKey) {
        this(table, shardKey, null);
    }

    /**
     * @param moved the rows of the source to compare (a tenant-scoped migration's), or {@code null} for all
     * @throws IllegalArgumentException naming the table and column when the table has no primary key, the
     *                                  shard key or the filter's column is not one of its columns, or a key
     *                                  type is not plain
     */
    public VerifySql(TableSchema table, String shardKey, ShardKeyFilter moved) {
        this.table = table;
        if (moved != null && table.indexOf(moved.column()) < 0) {
            throw new IllegalArgumentException("tenant filter column '" + moved.column() + "' is not a column of table "
                    + table.id());
        }
        this.sourceScope = moved == null ? null : moved.toSql("t");
        if (table.primaryKey().isEmpty()) {
            throw new IllegalArgumentException("table " + table.id() + " has no primary key; it cannot be verified");
        }
        if (table.indexOf(shardKey) < 0) {
            throw new IllegalArgumentException("shard key column '" + shardKey + "' is not a column of table " + table.id());
        }
        this.shardKey = SqlIdentifiers.quote(shardKey);
        for (String k : table.primaryKey()) {
            ColumnDef c = table.column(k).orElseThrow(() ->
                    new IllegalArgumentException("primary key column " + k + " of table " + table.id() + " is not one of its columns"));
            if (!TYPE.matcher(c.type()).matches()) {
                throw new IllegalArgumentException("key column " + k + " of table " + table.id() + " has a type this "
                        + "verifier cannot bind: " + c.type());
            }
            keyColumns.add(c);
        }
        this.keyList = join(keyColumns.stream().map(c -> "t." + SqlIdentifiers.quote(c.name())).toList());
        this.rowText = "ROW(" + join(table.columnNames().stream().map(c -> "t." + SqlIdentifiers.quote(c)).toList()) + ")::text";
        this.keyText = "ROW(" + keyList + ")::text";
    }

    public TableSchema table() {
        return table;
    }

    /** The number of primary key columns. */
    public int keySize() {
        return keyColumns.size();
    }

    /**
     * The key {@code offset} rows past {@code after}: the last key of a chunk. Parameters: the {@code after}
     * key values (if {@code hasAfter}), the tenant (if {@code tenant}), then the offset.
     * Returns the key columns as text.
     */
    public String boundary(boolean hasAfter, boolean tenant) {
        return "SELECT " + keyValues() + " FROM " + table.id().quoted() + " t" + where(hasAfter, false, tenant, true)
                + " ORDER BY " + keyList + " OFFSET ? LIMIT 1";
    }

    /**
     * The checksum of a key range grouped by shard key value on the source: rows
     * {@code (shard key text, count, sum)}. Parameters: the bounds present, then the tenant.
     */
    public String chunkSums(KeyRange range, boolean tenant) {
        return chunkSums(range, tenant, false);
    }

    /** The checksum of a key range as {@link #chunkSums(KeyRange, boolean)}, on a target or on the source. */
    public String chunkSums(KeyRange range, boolean tenant, boolean target) {
        return "SELECT t." + shardKey + "::text, count(*), sum(hashtextextended(" + rowText + ", 0))::text FROM "
                + table.id().quoted() + " t" + where(range.after() != null, range.upTo() != null, tenant, !target)
                + " GROUP BY 1";
    }

    /**
     * Every row of a key range: key values, key text, shard key text, row text, and the fence on a target.
     * Parameters as {@link #chunkSums}.
     */
    public String rows(KeyRange range, boolean tenant, boolean target) {
        return select(target) + where(range.after() != null, range.upTo() != null, tenant, !target);
    }

    /**
     * The rows of the given keys, columns as {@link #rows}. Parameters: one {@code text[]} per key column
     * (the keys' values, position by position). On the source with {@code forShare}, the rows are locked
     * until the transaction ends.
     */
    public String rowsByKeys(boolean target, boolean forShare) {
        return select(target) + keyJoin() + (target ? "" : scopeWhere()) + (forShare ? " FOR SHARE OF t" : "");
    }

    /**
     * Every column of the given keys' rows as text, in table order, locked {@code FOR SHARE}: the image a
     * repair publishes. Parameters as {@link #rowsByKeys}.
     */
    public String fullRowsForShare() {
        String cols = join(table.columnNames().stream().map(c -> "t." + SqlIdentifiers.quote(c) + "::text").toList());
        return "SELECT " + cols + " FROM " + table.id().quoted() + " t" + keyJoin() + scopeWhere() + " FOR SHARE OF t";
    }

    /**
     * Every column of a key range's rows as text, in table order, then the key text: what a search target's
     * documents are compared with. Parameters as {@link #chunkSums}.
     */
    public String fullRows(KeyRange range, boolean tenant) {
        String cols = join(table.columnNames().stream().map(c -> "t." + SqlIdentifiers.quote(c) + "::text").toList());
        return "SELECT " + cols + ", " + keyText + " FROM " + table.id().quoted() + " t"
                + where(range.after() != null, range.upTo() != null, tenant, true);
    }

    /**
     * The tombstones of the given keys on a target: rows {@code (key text[], lsn)}. Parameters: the tombstone
     * table name ({@code schema.table}), then one {@code text[]} per key column.
     */
    public String tombstones() {
        StringJoiner arr = new StringJoiner(", ", "ARRAY[", "]");
        for (int i = 0; i < keyColumns.size(); i++) {
            arr.add("u.k" + i);
        }
        return "SELECT tb.key, tb.lsn FROM " + TOMBSTONES + " tb JOIN " + unnest() + " ON tb.key = " + arr
                + " WHERE tb.table_name = ?";
    }

    private String select(boolean target) {
        return "SELECT " + keyValues() + ", " + keyText + ", t." + shardKey + "::text, " + rowText
                + (target ? ", t." + SqlIdentifiers.quote(FENCE) : "") + " FROM " + table.id().quoted() + " t";
    }

    private String keyJoin() {
        StringJoiner on = new StringJoiner(" AND ");
        for (int i = 0; i < keyColumns.size(); i++) {
            ColumnDef c = keyColumns.get(i);
            on.add("t." + SqlIdentifiers.quote(c.name()) + " = u.k" + i + "::" + c.type());
        }
        return " JOIN " + unnest() + " ON " + on;
    }

    private String unnest() {
        StringJoiner arrays = new StringJoiner(", ");
        StringJoiner aliases = new StringJoiner(", ");
        for (int i = 0; i < keyColumns.size(); i++) {
            arrays.add("?::text[]");
            aliases.add("k" + i);
        }
        return "unnest(" + arrays + ") AS u(" + aliases + ")";
    }

    private String keyValues() {
        return join(keyColumns.stream().map(c -> "t." + SqlIdentifiers.quote(c.name()) + "::text").toList());
    }

    private String scopeWhere() {
        return sourceScope == null ? "" : " WHERE " + sourceScope;
    }

    private String where(boolean hasAfter, boolean hasUpTo, boolean tenant, boolean source) {
        List<String> conditions = new ArrayList<>();
        if (hasAfter) {
            conditions.add("(" + keyList + ") > (" + bounds() + ")");
        }
        if (hasUpTo) {
            conditions.add("(" + keyList + ") <= (" + bounds() + ")");
        }
        if (tenant) {
            conditions.add("t." + shardKey + "::text = ?");
        }
        if (source && sourceScope != null) {
            conditions.add(sourceScope);
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private String bounds() {
        return join(keyColumns.stream().map(c -> "?::" + c.type()).toList());
    }

    private static String join(List<String> parts) {
        return String.join(", ", parts);
    }
}
