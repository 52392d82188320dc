package io.shardshift.verify.internal;

/** Shard key values as map keys: SQL NULL gets a marker no PostgreSQL text value can hold. */
public final class ShardValues {
    /** The map key of a NULL shard key (PostgreSQL text cannot contain NUL). */
    public static final String NULL = "\u0000null";

    private ShardValues() {
    }

    /** The map key of a value. */
    public static String key(String value) {
        return value == null ? NULL : value;
    }

    /** The value of a map key. */
    public static String value(String key) {
        return NULL.equals(key) ? null : key;
    }
}
