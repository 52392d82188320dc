package io.shardshift.verify.internal;

import io.shardshift.verify.VerifyException;
import io.shardshift.sink.solr.SolrClients;
import io.shardshift.sink.solr.SolrDocuments;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.params.CursorMarkParams;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads one search target's collection for the verifier (directly, not through the alias): documents by
 * id (tombstones included, so their fences count), every live id, and a soft
 * commit that makes every update received so far visible before a re-check reads.
 */
public final class SolrReader implements AutoCloseable {
    /** Ids per {@code {!terms}} query. */
    static final int IDS_PER_QUERY = 1000;
    private static final String LIVE = "-" + SolrDocuments.DELETED_FIELD + ":true";

    private final SolrTargetConfig config;
    private final SolrClient client;

    private SolrReader(SolrTargetConfig config, SolrClient client) {
        this.config = config;
        this.client = client;
    }

    /** A reader with its own cloud client, closed with the reader. */
    public static SolrReader open(SolrTargetConfig config) {
        return new SolrReader(config, SolrClients.forTarget(config));
    }

    public String target() {
        return config.name();
    }

    public String collection() {
        return config.collectionName();
    }

    /** The documents (live or tombstones) of these ids that exist, by id. */
    public Map<String, SolrDoc> byIds(Collection<String> ids) {
        Map<String, SolrDoc> out = new HashMap<>();
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += IDS_PER_QUERY) {
            List<String> part = all.subList(from, Math.min(all.size(), from + IDS_PER_QUERY));
            SolrQuery q = new SolrQuery("{!terms f=id}" + String.join(",", part)).setRows(part.size()).setFields("*");
            for (SolrDocument d : query(q, "reading " + part.size() + " documents by id").getResults()) {
                SolrDoc doc = toDoc(d);
                out.put(doc.id(), doc);
            }
        }
        return out;
    }

    /** Hands every live document id (of one shard key value when {@code filter} is set) to {@code out}. */
    public void liveIds(String filter, Consumer<String> out) {
        SolrQuery q = new SolrQuery("*:*").setRows(5000).setFields("id").setSort("id", SolrQuery.ORDER.asc).addFilterQuery(LIVE);
        if (filter != null) {
            q.addFilterQuery(filter);
        }
        String cursor = CursorMarkParams.CURSOR_MARK_START;
        while (true) {
            q.set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
            QueryResponse r = query(q, "listing live ids");
            r.getResults().forEach(d -> out.accept((String) d.getFirstValue("id")));
            if (cursor.equals(r.getNextCursorMark())) {
                return;
            }
            cursor = r.getNextCursorMark();
        }
    }

    /** A soft commit, waiting for the new searcher: every update received so far becomes visible. */
    public void softCommit() {
        try {
            client.commit(collection(), true, true, true);
        } catch (Exception e) {
            throw failure("soft commit", e);
        }
    }

    private QueryResponse query(SolrQuery q, String what) {
        try {
            return client.query(collection(), q, SolrRequest.METHOD.POST);
        } catch (Exception e) {
            throw failure(what, e);
        }
    }

    private VerifyException failure(String what, Exception e) {
        return new VerifyException("verify of search target " + config.name() + " (collection " + collection()
                + ") failed while " + what + ": " + e.getMessage(), e);
    }

    private static SolrDoc toDoc(SolrDocument d) {
        Map<String, Object> fields = new HashMap<>();
        d.getFieldNames().forEach(f -> fields.put(f, d.getFirstValue(f)));
        Object fence = d.getFirstValue(SolrDocuments.FENCE_FIELD);
        return new SolrDoc((String) d.getFirstValue("id"), fence instanceof Number n ? n.longValue() : 0L,
                Boolean.TRUE.equals(d.getFirstValue(SolrDocuments.DELETED_FIELD)), fields);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            // closing a client that failed to connect; nothing to release
        }
    }
}
