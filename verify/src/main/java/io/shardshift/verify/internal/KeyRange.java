package io.shardshift.verify.internal;

import java.util.List;

/**
 * A chunk of a table by primary key: the keys above {@code after} (exclusive) up to {@code upTo}
 * (inclusive). A {@code null} bound is open, so the first chunk starts at the lowest key and the last has
 * no end, and rows a target holds beyond the source's keys still fall into a chunk.
 *
 * @param after the last key of the previous chunk (values in key order), or {@code null}
 * @param upTo  the last key of this chunk, or {@code null}
 */
public record KeyRange(List<String> after, List<String> upTo) {

    public KeyRange {
        after = after == null ? null : List.copyOf(after);
        upTo = upTo == null ? null : List.copyOf(upTo);
    }

    /** The whole table. */
    public static KeyRange all() {
        return new KeyRange(null, null);
    }

    @Override
    public String toString() {
        return "(" + (after == null ? "-inf" : String.join(",", after)) + " .. "
                + (upTo == null ? "+inf" : String.join(",", upTo)) + "]";
    }
}
