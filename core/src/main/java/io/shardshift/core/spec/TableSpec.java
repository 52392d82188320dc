package io.shardshift.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A source table to migrate.
 *
 * @param name     {@code schema.table}, or {@code table} for {@code public.table}
 * @param shardKey the column whose value routes the row; defaults to {@code layout.shardKey}
 */
public record TableSpec(@JsonProperty(required = true) String name, String shardKey) {
}
