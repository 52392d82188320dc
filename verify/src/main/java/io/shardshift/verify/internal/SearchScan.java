package io.shardshift.verify.internal;

import io.shardshift.core.verify.CompareReport;
import io.shardshift.core.verify.CompareReport.Kind;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The first pass over a table for one search target: per chunk of the source (keyset, as for the
 * PostgreSQL targets), the documents of the chunk's expected ids are read with one {@code {!terms}} query
 * per 1,000 ids; a missing, deleted or different document makes its key a candidate. Extra documents are
 * found over the whole table: every live id is listed (cursorMark) and each one no source row of the pass
 * maps to becomes a candidate (its key read back from the id). The listing always runs: a shortcut that
 * skipped it when the live document count equalled the live documents the chunks found missed extra
 * documents under writes, because a row deleted (or moved) after its chunk was read lowers the count by
 * as much as an extra document raises it.
 */
public final class SearchScan {
    /**
     * What the pass found.
     *
     * @param rowsCompared source rows compared with their documents
     * @param chunks       chunks compared
     * @param candidates   keys to re-check, each with the document ids seen for it
     * @param unreadable   live ids no key can be read back from: extra documents, reported as they are
     */
    public record Result(long rowsCompared, int chunks, Map<RowKey, Set<String>> candidates, List<String> unreadable) {
    }

    private final PgSource source;
    private final SearchMapping mapping;
    private final SolrReader solr;

    public SearchScan(PgSource source, SearchMapping mapping, SolrReader solr) {
        this.source = source;
        this.mapping = mapping;
        this.solr = solr;
    }

    /** Compares every chunk, then looks for extra documents (not with a tenant whose shard key is not indexed). */
    public Result run(int chunkRows, String tenant) {
        Map<RowKey, Set<String>> candidates = new LinkedHashMap<>();
        Set<String> expectedIds = new HashSet<>();
        long rows = 0;
        List<KeyRange> ranges = source.plan(chunkRows, tenant);
        for (KeyRange range : ranges) {
            Map<RowKey, Map<String, String>> src = source.fullRows(range, tenant);
            Map<RowKey, String> ids = new LinkedHashMap<>();
            src.forEach((key, row) -> ids.put(key, mapping.idOf(row)));
            expectedIds.addAll(ids.values());
            rows += src.size();
            Map<String, SolrDoc> docs = solr.byIds(ids.values());
            for (Map.Entry<RowKey, String> e : ids.entrySet()) {
                SolrDoc doc = docs.get(e.getValue());
                if (doc == null || !doc.live() || mapping.difference(src.get(e.getKey()), doc) != null) {
                    candidates.computeIfAbsent(e.getKey(), k -> new LinkedHashSet<>()).add(e.getValue());
                }
            }
        }
        List<String> unreadable = new ArrayList<>();
        String filter = tenant == null ? null : mapping.tenantFilter(tenant).orElse(null);
        if (tenant == null || filter != null) {
            solr.liveIds(filter, id -> {
                if (!expectedIds.contains(id)) {
                    mapping.parse(id).ifPresentOrElse(
                            p -> candidates.computeIfAbsent(p.key(), k -> new LinkedHashSet<>()).add(id),
                            () -> unreadable.add(id));
                }
            });
        }
        return new Result(rows, ranges.size(), candidates, unreadable);
    }

    /** The verdict on a live id no key can be read back from. */
    public static SearchRecheck.Problem unreadable(String id) {
        return new SearchRecheck.Problem(Kind.EXTRA_IN_TARGET, id, null, "a live document whose id is not of this table's form");
    }
}
