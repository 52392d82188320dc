package io.shardshift.core.schema;

import java.util.List;

/**
 * A secondary index of a source table on plain columns (expression and partial indexes are not copied).
 *
 * @param name    the index name
 * @param unique  whether it is unique
 * @param method  the access method, e.g. {@code btree}
 * @param columns the indexed columns, in order
 */
public record IndexDef(String name, boolean unique, String method, List<String> columns) {
    public IndexDef {
        columns = List.copyOf(columns);
    }
}
