package io.shardshift.sink.solr.internal;

import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.sink.solr.SolrFieldType;
import io.shardshift.sink.solr.SolrTargetConfig;
import io.shardshift.sink.solr.SolrTargetConfig.FieldMapping;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The resolved column-to-field mapping of a search target: the config's {@code fields} (or every column)
 * with default names and types filled in from the table's schema, checked against the schema and the
 * reserved field names.
 *
 * @param columns the mapped columns in order
 */
public record FieldMap(List<Column> columns) {
    /** The unique key field. */
    public static final String ID = "id";
    /** Solr's own version field, needed by the update log. */
    public static final String SOLR_VERSION = "_version_";
    /** The fence (source LSN, 0 for snapshot rows) of the last write to a document. */
    public static final String FENCE = "_ss_lsn";
    /** Marks a tombstone document left by a delete. */
    public static final String DELETED = "_ss_deleted";

    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * One mapped column.
     *
     * @param column the source column
     * @param field  the Solr field
     * @param type   the Solr type
     */
    public record Column(String column, String field, SolrFieldType type) {
    }

    public FieldMap {
        columns = List.copyOf(columns);
    }

    /**
     * Resolves a target's mapping against its table.
     *
     * @throws IllegalArgumentException naming the target and the column or field at fault
     */
    public static FieldMap resolve(SolrTargetConfig config, TableSchema schema) {
        String where = "search target '" + config.name() + "'";
        if (!schema.id().equals(config.tableId())) {
            throw new IllegalArgumentException(where + ": schema is of table " + schema.id() + ", not " + config.table());
        }
        if (schema.primaryKey().isEmpty()) {
            throw new IllegalArgumentException(where + ": table " + schema.id() + " has no primary key");
        }
        if (schema.column(config.shardKey()).isEmpty()) {
            throw new IllegalArgumentException(where + ": shardKey " + config.shardKey() + " is not a column of "
                    + schema.id());
        }
        List<FieldMapping> wanted = config.fields().isEmpty()
                ? schema.columns().stream().map(c -> FieldMapping.of(c.name())).toList()
                : config.fields();
        List<Column> out = new ArrayList<>();
        Set<String> usedFields = new HashSet<>();
        for (FieldMapping m : wanted) {
            ColumnDef def = schema.column(m.column()).orElseThrow(() -> new IllegalArgumentException(
                    where + ": fields: column " + m.column() + " is not a column of " + schema.id()));
            String field = m.field() == null || m.field().isBlank()
                    ? defaultFieldName(schema.id().table(), def.name()) : m.field();
            if (!FIELD_NAME.matcher(field).matches()) {
                throw new IllegalArgumentException(where + ": fields: field '" + field + "' of column " + m.column()
                        + " must match [A-Za-z_][A-Za-z0-9_]*");
            }
            if (isReserved(field)) {
                throw new IllegalArgumentException(where + ": fields: field '" + field + "' of column " + m.column()
                        + " is reserved (id, _version_, _root_, _ss_*)");
            }
            if (!usedFields.add(field)) {
                throw new IllegalArgumentException(where + ": fields: field '" + field + "' is mapped twice (column " + m.column()
                        + " and another); give one of them its own field under fields: [{column: ..., field: ...}]");
            }
            SolrFieldType type = m.type() == null || m.type().isBlank()
                    ? SolrFieldType.defaultFor(def.type()) : SolrFieldType.forSolrName(m.type());
            out.add(new Column(def.name(), field, type));
        }
        return new FieldMap(out);
    }

    /** Whether Shardshift or Solr owns a field name. */
    public static boolean isReserved(String field) {
        return field.equals(ID) || field.equals(SOLR_VERSION) || field.equals("_root_") || field.startsWith("_ss_");
    }

    /**
     * The default field of a column: its name with every character Solr field names do not allow (anything
     * but a letter, digit or {@code _}) replaced by {@code _}, and {@code _} put before a leading digit; so
     * column {@code "Order ID"} is field {@code Order_ID}. Two columns that end up with the same field are
     * refused ("mapped twice"); map one of them explicitly under {@code fields}.
     */
    static String defaultFieldName(String table, String column) {
        String f = solrSafe(column);
        return isReserved(f) ? solrSafe(table) + "_" + f : f;
    }

    private static String solrSafe(String name) {
        StringBuilder out = new StringBuilder(name.length() + 1);
        if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
            out.append('_');
        }
        name.chars().forEach(c -> out.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                ? (char) c : '_'));
        return out.toString();
    }
}
