package io.shardshift.verify.internal;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.sink.solr.SolrDocuments;
import io.shardshift.sink.solr.SolrTargetConfig;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A search target's mapping as the verifier uses it: a source row's expected document id and whether a
 * document holds the row's values (both exactly as the sink computes them, through {@link SolrDocuments}),
 * and the way back from a document id to the primary key and shard key value it was made from.
 */
public final class SearchMapping {
    private final SolrTargetConfig config;
    private final TableSchema table;
    private final SolrDocuments documents;
    private final List<String> fields;

    public SearchMapping(SolrTargetConfig config, TableSchema table) {
        this.config = config;
        this.table = table;
        this.documents = SolrDocuments.of(config, table);
        this.fields = documents.fieldNames();
    }

    /** The id of the document a source row becomes. */
    public String idOf(Map<String, String> row) {
        return documents.idOf(row);
    }

    /**
     * How a live document differs from a source row: {@code null} when every mapped field holds the row's
     * value (a SQL NULL: no value), else the first differing field with both values.
     */
    public String difference(Map<String, String> row, SolrDoc doc) {
        Map<String, Object> expected = documents.fieldsOf(row);
        for (String field : fields) {
            Object want = expected.get(field);
            Object got = doc.fields().get(field);
            if (!same(want, got)) {
                return field + ": source " + want + ", document " + got;
            }
        }
        return null;
    }

    /** A filter query for one shard key value, when the shard key column is indexed. */
    public Optional<String> tenantFilter(String tenant) {
        return documents.fieldOf(config.shardKey()).map(field -> "{!term f=" + field + "}" + tenant);
    }

    /**
     * The primary key and shard key value a document id was made from ({@code <tenant>[/bits]!<pk>}, values
     * percent-encoded), or empty when the id has another form.
     */
    public Optional<Parsed> parse(String id) {
        int bang = id.indexOf('!');
        if (bang < 0) {
            return Optional.empty();
        }
        String prefix = id.substring(0, bang);
        int slash = prefix.indexOf('/');
        String tenant = decode(slash < 0 ? prefix : prefix.substring(0, slash));
        String[] parts = id.substring(bang + 1).split(",", -1);
        List<String> pk = table.primaryKey();
        List<String> rest = pk.stream().filter(c -> !c.equals(config.shardKey())).toList();
        List<String> idColumns = rest.isEmpty() ? pk : rest;
        if (parts.length != idColumns.size()) {
            return Optional.empty();
        }
        List<String> values = new ArrayList<>();
        for (String column : pk) {
            int at = idColumns.indexOf(column);
            values.add(at >= 0 ? decode(parts[at]) : tenant);
        }
        return Optional.of(new Parsed(new RowKey(values, "(" + String.join(",", values) + ")"), tenant));
    }

    /**
     * A key and shard key value read back from a document id.
     *
     * @param key    the primary key
     * @param tenant the shard key value
     */
    public record Parsed(RowKey key, String tenant) {
    }

    static boolean same(Object expected, Object actual) {
        if (expected instanceof Number a && actual instanceof Number b) {
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
        }
        if (expected instanceof Date a && actual instanceof Date b) {
            return a.getTime() == b.getTime();
        }
        return Objects.equals(expected, actual);
    }

    private static String decode(String s) {
        return s.indexOf('%') < 0 ? s : URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
