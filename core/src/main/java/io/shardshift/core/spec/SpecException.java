package io.shardshift.core.spec;

/**
 * A migration spec is invalid. The message starts with the field's path (e.g. {@code layout.buckets}) or
 * the table's name, so the user knows what to fix. Thrown before anything starts.
 */
public class SpecException extends RuntimeException {
    private final String field;

    public SpecException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public SpecException(String field, String problem, Throwable cause) {
        super(field + ": " + problem, cause);
        this.field = field;
    }

    /** The path of the offending field, e.g. {@code targets[1].jdbcUrl}, or a table name. */
    public String field() {
        return field;
    }
}
