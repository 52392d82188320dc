package io.shardshift.core.event;

/**
 * The kind of change a {@link ChangeEvent} carries, with Debezium's one-letter envelope codes.
 */
public enum Operation {
    /** A row read by the initial copy (backfill). Debezium code {@code r}. */
    READ("r"),
    /** A row inserted. Debezium code {@code c}. */
    CREATE("c"),
    /** A row updated. Debezium code {@code u}. */
    UPDATE("u"),
    /** A row deleted. Debezium code {@code d}. */
    DELETE("d"),
    /** A table truncated. Debezium code {@code t}. */
    TRUNCATE("t");

    private final String code;

    Operation(String code) {
        this.code = code;
    }

    /** The Debezium envelope code of this operation. */
    public String code() {
        return code;
    }

    /** Whether this operation leaves a row in place (read, create, update). */
    public boolean isUpsert() {
        return this == READ || this == CREATE || this == UPDATE;
    }

    /**
     * Parses a Debezium envelope code.
     *
     * @throws IllegalArgumentException naming the code when it is unknown
     */
    public static Operation forCode(String code) {
        for (Operation op : values()) {
            if (op.code.equals(code)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown operation code '" + code + "' (expected one of r, c, u, d, t)");
    }
}
