package io.shardshift.verify.internal;

/**
 * A source row as the verifier compares it.
 *
 * @param key      the primary key
 * @param shardKey the shard key value ({@code null} for SQL NULL)
 * @param text     the row's text form, {@code ROW(columns)::text}
 */
public record SourceRow(RowKey key, String shardKey, String text) {
}
