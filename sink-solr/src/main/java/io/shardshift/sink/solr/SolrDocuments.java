package io.shardshift.sink.solr;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.sink.solr.internal.DocIds;
import io.shardshift.sink.solr.internal.FieldMap;
import io.shardshift.sink.solr.internal.ValueParser;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What document a search target holds for a source row: its id and its field values, computed exactly as
 * the sink computes them. For comparing a collection with its source (the demo, verification).
 *
 * <p>This is the sink's public view of its column-to-field mapping; other modules use it, never the
 * mapping's implementation in {@code io.shardshift.sink.solr.internal}.
 */
public final class SolrDocuments {
    /** The field that holds a document's fence (source LSN). */
    public static final String FENCE_FIELD = FieldMap.FENCE;
    /** The field that marks a tombstone. */
    public static final String DELETED_FIELD = FieldMap.DELETED;

    private final FieldMap fields;
    private final DocIds ids;
    private final List<String> primaryKey;

    private SolrDocuments(FieldMap fields, DocIds ids, List<String> primaryKey) {
        this.fields = fields;
        this.ids = ids;
        this.primaryKey = primaryKey;
    }

    /** The mapping of a search target over its table. */
    public static SolrDocuments of(SolrTargetConfig config, TableSchema schema) {
        return new SolrDocuments(FieldMap.resolve(config, schema),
                new DocIds(schema.primaryKey(), config.shardKey(), config.hotTenants()), schema.primaryKey());
    }

    /** The document id of a row (column name to PostgreSQL text value). */
    public String idOf(Map<String, String> row) {
        Map<String, String> key = new LinkedHashMap<>();
        primaryKey.forEach(k -> key.put(k, row.get(k)));
        return ids.idOf(row.get(ids.shardKey()), key);
    }

    /** The indexed field values of a row, by Solr field name; SQL NULLs are absent. */
    public Map<String, Object> fieldsOf(Map<String, String> row) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (FieldMap.Column c : fields.columns()) {
            String text = row.get(c.column());
            if (text != null) {
                out.put(c.field(), ValueParser.parse(text, c.type()));
            }
        }
        return out;
    }

    /** The Solr fields of the mapped columns, in mapping order. */
    public List<String> fieldNames() {
        return fields.columns().stream().map(FieldMap.Column::field).toList();
    }

    /** The Solr field a source column is indexed in, or empty when the column is not mapped. */
    public Optional<String> fieldOf(String column) {
        return fields.columns().stream().filter(c -> c.column().equals(column)).findFirst().map(FieldMap.Column::field);
    }
}
