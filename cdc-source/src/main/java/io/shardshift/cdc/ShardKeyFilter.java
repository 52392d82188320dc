package io.shardshift.cdc;

import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.sql.SqlIdentifiers;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rows of a tenant-scoped migration: those whose shard key value, in its PostgreSQL text form, is one
 * of some values. Renders itself as a SQL condition with the values inlined as literals (a
 * {@code COPY (SELECT ...)} takes no bind parameters), so it is safe with any value, quotes and backslashes
 * included.
 *
 * <pre>{@code
 * ShardKeyFilter.of(spec, table)   // tenants: [acme, "o'hara"]
 *     .map(f -> f.toSql("t"))      // t."tenant_id"::text IN (E'acme', E'o''hara')
 * }</pre>
 *
 * @param column the shard key column
 * @param values the shard key values (text forms) whose rows pass; not empty
 */
public record ShardKeyFilter(String column, Set<String> values) {

    /**
     * @throws IllegalArgumentException when the column is not a valid identifier, there are no values, or a
     *                                  value is null or holds a NUL character (no PostgreSQL text can)
     */
    public ShardKeyFilter {
        SqlIdentifiers.requireValid(column, "shard key column");
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("a shard key filter on '" + column + "' needs at least one value");
        }
        for (String v : values) {
            if (v == null || v.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("shard key filter on '" + column
                        + "': a value is null or holds a NUL character");
            }
        }
        values = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(values));
    }

    /** A filter on a column for these values. */
    public static ShardKeyFilter of(String column, Collection<String> values) {
        return new ShardKeyFilter(column, values == null ? Set.of() : new LinkedHashSet<>(values));
    }

    /**
     * The filter of a table in a tenant-scoped migration (its shard key, the spec's {@code tenants}), or empty
     * when the migration moves every row.
     */
    public static Optional<ShardKeyFilter> of(MigrationSpec spec, TableId table) {
        return spec.tenantScoped() ? Optional.of(of(spec.shardKeyOf(table), spec.tenants())) : Optional.empty();
    }

    /** Whether a row with this shard key value (text form, {@code null} for SQL NULL) passes. */
    public boolean accepts(String shardKeyValue) {
        return shardKeyValue != null && values.contains(shardKeyValue);
    }

    /**
     * The condition, e.g. {@code t."tenant_id"::text IN (E'acme')}.
     *
     * @param tableAlias the alias the column is qualified with, or {@code null} for none
     */
    public String toSql(String tableAlias) {
        String col = (tableAlias == null ? "" : tableAlias + ".") + SqlIdentifiers.quote(column);
        return col + "::text IN (" + values.stream().map(ShardKeyFilter::literal).collect(Collectors.joining(", ")) + ")";
    }

    /**
     * A string as a PostgreSQL escape-string literal: {@code E'...'} with quotes and backslashes doubled,
     * which reads the same whatever {@code standard_conforming_strings} is.
     */
    static String literal(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** The values in order, for messages. */
    public List<String> valueList() {
        return List.copyOf(values);
    }
}
