package io.shardshift.testkit;

import io.shardshift.core.verify.CompareReport;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sql.SqlIdentifiers;
import io.shardshift.sink.solr.SolrDocuments;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.params.CursorMarkParams;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares every row of a source table with the live documents of a search collection, as a user would:
 * one document per row, with the id and field values the mapping gives, and no other live document.
 * Tombstones are excluded. Stop-the-world, like {@link RowCompare}: meant for an idle source.
 */
public final class SearchCompare {
    private SearchCompare() {
    }

    /**
     * @param collection the collection or alias to read
     */
    public static CompareReport compare(Connection source, SolrClient solr, String collection, SolrTargetConfig config,
                                        TableSchema table) throws SQLException, IOException, SolrServerException {
        SolrDocuments mapping = SolrDocuments.of(config, table);
        Map<String, Map<String, Object>> docs = readLiveDocs(solr, collection);
        List<CompareReport.Mismatch> found = new ArrayList<>();
        long[] count = {0};
        long sourceRows = 0;
        long docTotal = docs.size();
        String cols = String.join(", ", table.columnNames().stream().map(c -> SqlIdentifiers.quote(c) + "::text").toList());
        try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery("SELECT " + cols + " FROM " + table.id().quoted())) {
            while (rs.next()) {
                sourceRows++;
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < table.columns().size(); i++) {
                    row.put(table.columnNames().get(i), rs.getString(i + 1));
                }
                String id = mapping.idOf(row);
                Map<String, Object> doc = docs.remove(id);
                if (doc == null) {
                    add(found, count, CompareReport.Kind.MISSING_IN_TARGET, id, "no live document");
                    continue;
                }
                Map<String, Object> expected = mapping.fieldsOf(row);
                for (Map.Entry<String, Object> e : expected.entrySet()) {
                    if (!sameValue(e.getValue(), doc.get(e.getKey()))) {
                        add(found, count, CompareReport.Kind.DIFFERENT_VALUES, id, e.getKey() + ": source "
                                + e.getValue() + ", document " + doc.get(e.getKey()));
                        break;
                    }
                }
            }
        }
        docs.keySet().forEach(id -> add(found, count, CompareReport.Kind.EXTRA_IN_TARGET, id, "in " + collection));
        return CompareReport.of(table.id() + " -> " + collection, sourceRows, docTotal, found, count[0]);
    }

    private static Map<String, Map<String, Object>> readLiveDocs(SolrClient solr, String collection)
            throws IOException, SolrServerException {
        Map<String, Map<String, Object>> docs = new HashMap<>();
        SolrQuery q = new SolrQuery("*:*").setRows(5000).setSort("id", SolrQuery.ORDER.asc);
        q.addFilterQuery("-" + SolrDocuments.DELETED_FIELD + ":true");
        String cursor = CursorMarkParams.CURSOR_MARK_START;
        while (true) {
            q.set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
            QueryResponse r = solr.query(collection, q);
            for (SolrDocument d : r.getResults()) {
                Map<String, Object> fields = new HashMap<>();
                d.getFieldNames().forEach(f -> fields.put(f, d.getFirstValue(f)));
                docs.put((String) d.getFirstValue("id"), fields);
            }
            if (cursor.equals(r.getNextCursorMark())) {
                return docs;
            }
            cursor = r.getNextCursorMark();
        }
    }

    static boolean sameValue(Object expected, Object actual) {
        if (expected instanceof Number a && actual instanceof Number b) {
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
        }
        if (expected instanceof Date a && actual instanceof Date b) {
            return a.getTime() == b.getTime();
        }
        return Objects.equals(expected, actual);
    }

    private static void add(List<CompareReport.Mismatch> found, long[] count, CompareReport.Kind kind, String key,
                            String detail) {
        count[0]++;
        if (found.size() < RowCompare.MAX_REPORTED) {
            found.add(new CompareReport.Mismatch(kind, key, detail));
        }
    }
}
