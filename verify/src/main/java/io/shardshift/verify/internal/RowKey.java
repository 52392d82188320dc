package io.shardshift.verify.internal;

import java.util.List;

/**
 * A primary key: its values in key order (PostgreSQL text forms) and the text PostgreSQL prints for the
 * row of the key columns, e.g. {@code (42)} or {@code (acme,42)}. Equal by values only.
 *
 * @param values the key values in key order
 * @param text   the key as {@code ROW(key columns)::text}
 */
public record RowKey(List<String> values, String text) {

    public RowKey {
        values = List.copyOf(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowKey k && k.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
