package io.shardshift.verify.internal;

import io.shardshift.core.verify.CompareReport;
import io.shardshift.core.verify.CompareReport.Kind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Re-checks a search target's candidate keys by source position, like {@link Recheck} does for the
 * PostgreSQL targets. Each round: read the source rows of the keys locked {@code FOR SHARE} and the WAL
 * position L in the same transaction; wait until the pipeline has applied everything committed before L;
 * soft-commit the collection (so every update Solr has received is visible, rather than waiting for
 * commitWithin); read the documents of every id the key maps or mapped to. A key with a document fenced
 * above L is read again next round; a key that differs with nothing newer than L is reported once it has
 * done so in {@link Recheck#CONFIRMATIONS} rounds in a row.
 */
public final class SearchRecheck {

    /**
     * One difference of a key.
     *
     * @param kind   missing, different values or extra document
     * @param docId  the document id concerned
     * @param doc    the live document, for an extra one (its fence and id make the fenced delete)
     * @param detail what was expected and found
     */
    public record Problem(Kind kind, String docId, SolrDoc doc, String detail) {
    }

    /**
     * The outcome.
     *
     * @param different keys that differ for real, with their problems
     * @param unsettled keys whose documents changed on every round
     */
    public record Result(Map<RowKey, List<Problem>> different, Set<RowKey> unsettled) {
    }

    private final PgSource source;
    private final SearchMapping mapping;
    private final SolrReader solr;
    private final Recheck.ApplyWait applyWait;
    private final int maxRounds;

    public SearchRecheck(PgSource source, SearchMapping mapping, SolrReader solr, Recheck.ApplyWait applyWait, int maxRounds) {
        this.source = source;
        this.mapping = mapping;
        this.solr = solr;
        this.applyWait = applyWait;
        this.maxRounds = Math.max(Recheck.CONFIRMATIONS, maxRounds);
    }

    /** Re-checks the keys, each with the document ids seen for it so far. */
    public Result run(Map<RowKey, Set<String>> keys) throws Exception {
        Map<RowKey, Set<String>> pending = new LinkedHashMap<>();
        keys.forEach((k, ids) -> pending.put(k, new LinkedHashSet<>(ids)));
        Map<RowKey, Integer> confirmed = new HashMap<>();
        Map<RowKey, List<Problem>> different = new LinkedHashMap<>();
        for (int round = 0; round < maxRounds && !pending.isEmpty(); round++) {
            PgSource.Locked<Map<String, String>> src = source.fullRowsForShare(pending.keySet());
            applyWait.await(src.lsn());
            solr.softCommit();
            Set<String> ids = new LinkedHashSet<>();
            pending.forEach((key, seen) -> {
                Map<String, String> row = src.rows().get(key);
                if (row != null) {
                    seen.add(mapping.idOf(row));
                }
                ids.addAll(seen);
            });
            Map<String, SolrDoc> docs = solr.byIds(ids);
            for (RowKey key : List.copyOf(pending.keySet())) {
                Set<String> seen = pending.get(key);
                if (seen.stream().map(docs::get).anyMatch(d -> d != null && d.fence() > src.lsn())) {
                    confirmed.remove(key);
                    continue;
                }
                List<Problem> problems = judge(key, src.rows().get(key), seen, docs);
                if (problems.isEmpty()) {
                    pending.remove(key);
                    confirmed.remove(key);
                } else if (confirmed.merge(key, 1, Integer::sum) >= Recheck.CONFIRMATIONS) {
                    pending.remove(key);
                    different.put(key, problems);
                }
            }
        }
        return new Result(different, pending.keySet());
    }

    private List<Problem> judge(RowKey key, Map<String, String> row, Set<String> ids, Map<String, SolrDoc> docs) {
        List<Problem> problems = new ArrayList<>();
        String expected = row == null ? null : mapping.idOf(row);
        if (expected != null) {
            SolrDoc doc = docs.get(expected);
            if (doc == null || !doc.live()) {
                problems.add(new Problem(Kind.MISSING_IN_TARGET, expected, null, "key " + key.text() + ": no live document"
                        + (doc == null ? "" : " (a tombstone at fence " + doc.fence() + ")")));
            } else {
                String diff = mapping.difference(row, doc);
                if (diff != null) {
                    problems.add(new Problem(Kind.DIFFERENT_VALUES, expected, null, "key " + key.text() + ": " + diff
                            + " (fence " + doc.fence() + ")"));
                }
            }
        }
        for (String id : ids) {
            SolrDoc doc = docs.get(id);
            if (!id.equals(expected) && doc != null && doc.live()) {
                problems.add(new Problem(Kind.EXTRA_IN_TARGET, id, doc, "key " + key.text() + ": "
                        + (row == null ? "not in the source" : "its row maps to " + expected) + " (fence " + doc.fence() + ")"));
            }
        }
        return problems;
    }
}
