package io.shardshift.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A source table to migrate.
 *
 * @param name               {@code schema.table}, or {@code table} for {@code public.table}
 * @param shardKey           the column whose value routes the row; defaults to {@code layout.shardKey}
 * @param targetPartitioning {@code same}: the targets get the source's partitioning; {@code plain} (the default):
 *                           a plain table
 */
public record TableSpec(@JsonProperty(required = true) String name, String shardKey, String targetPartitioning) {

    /** A table with the default target partitioning. */
    public TableSpec(String name, String shardKey) {
        this(name, shardKey, null);
    }

    /** Whether the targets get the source's partitioning ({@code targetPartitioning: same}). */
    public boolean samePartitioning() {
        return "same".equals(targetPartitioning);
    }
}
