package io.shardshift.sink.pg;

import io.shardshift.core.event.TableId;
import io.shardshift.core.sink.SinkException;

import java.util.List;
import java.util.StringJoiner;

/**
 * A unique index of the source could not be restored on a target because rows there share a key value.
 * Its non-unique stand-in is kept, so the table stays as usable as it was; the operator fixes the rows
 * (each {@link Duplicate} names the values and the primary keys of the rows that hold them) and runs
 * {@link UniqueIndexes#restore} again. Every other index was restored.
 *
 * <p>Example message:
 * <pre>
 * unique indexes could not be restored on database 'pg_a' because rows share a key:
 *   table sales.orders, index orders_code_key: (code)=(A1) is held by 2 rows, primary keys (tenant, id): (acme,1), (acme,2)
 * the non-unique indexes of the same names are kept; fix those rows and restore again
 * </pre>
 */
public final class DuplicateKeysException extends SinkException {

    /**
     * One key value of a unique index that several rows of a target table hold.
     *
     * @param table       the table
     * @param index       the source's unique index
     * @param columns     its columns, in order
     * @param values      the shared values of those columns, as PostgreSQL text
     * @param rows        how many rows hold them
     * @param primaryKeys the primary keys of (the first five of) those rows, as row literals, e.g. {@code (acme,1)}
     * @param primaryKeyColumns the table's primary key columns
     */
    public record Duplicate(TableId table, String index, List<String> columns, List<String> values, long rows,
                            List<String> primaryKeys, List<String> primaryKeyColumns) {
        public Duplicate {
            columns = List.copyOf(columns);
            values = List.copyOf(values);
            primaryKeys = List.copyOf(primaryKeys);
            primaryKeyColumns = List.copyOf(primaryKeyColumns);
        }

        /** {@code table sales.orders, index orders_code_key: (code)=(A1) is held by 2 rows, primary keys (id): (1), (2)}. */
        public String describe() {
            return "table " + table + ", index " + index + ": (" + String.join(", ", columns) + ")=("
                    + String.join(", ", values) + ") is held by " + rows + " rows, primary keys ("
                    + String.join(", ", primaryKeyColumns) + "): " + String.join(", ", primaryKeys)
                    + (primaryKeys.size() < rows ? ", ..." : "");
        }
    }

    private final String target;
    private final List<Duplicate> duplicates;

    /**
     * @param target the target, for the message, e.g. {@code database 'pg_a'}
     */
    public DuplicateKeysException(String target, List<Duplicate> duplicates) {
        super(message(target, duplicates));
        this.target = target;
        this.duplicates = List.copyOf(duplicates);
    }

    /** The target, as named in the message. */
    public String target() {
        return target;
    }

    /** The duplicated key values found (at most ten per index). */
    public List<Duplicate> duplicates() {
        return duplicates;
    }

    private static String message(String target, List<Duplicate> duplicates) {
        StringJoiner out = new StringJoiner("\n  ", "unique indexes could not be restored on " + target
                + " because rows share a key:\n  ", "\nthe non-unique indexes of the same names are kept; "
                + "fix those rows and restore again");
        duplicates.forEach(d -> out.add(d.describe()));
        return out.toString();
    }
}
