package io.shardshift.verify.replay;

import io.shardshift.client.shadow.Answers;
import io.shardshift.client.shadow.Answers.Comparison;
import io.shardshift.client.shadow.Answers.SearchAnswer;
import io.shardshift.client.shadow.ShadowOutcome;
import io.shardshift.client.shadow.ShadowRecord;
import io.shardshift.client.shadow.ShadowSink;
import io.shardshift.client.shadow.SolrSelect;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Replays the selects of a Solr log ({@link LoggedSelect}) against the old and the new collection and compares the
 * answers: numFound always; the top-k ids in order when the select sorts by fields (an {@code id asc} tie-break is
 * added on both sides, so equal sort values cannot reorder); for a relevance-ranked select (no sort, or by score)
 * the ids as a set when every hit is returned, since relevance scores are computed per shard and differ between
 * layouts (with {@code strictScores}, in score order anyway).
 *
 * <p>Lag: when the answers differ and a {@link CatchUp} is given (the migration's spec), the replay waits until the
 * new side has applied every change committed on the source up to its position now (verify's watermark), opens a
 * new searcher on both collections and asks again: equal now means the difference came from changes newer than the
 * new side's applied position ({@code explained-by-lag}); still different is a mismatch. Each outcome is published
 * as a {@link ShadowRecord} (origin {@code replay}) when a sink is given.
 */
public final class SolrLogReplay {
    /** Parameters not replayed: response format, fields, and SolrCloud's internal ones. */
    private static final Set<String> DROPPED = Set.of("wt", "fl", "distrib", "shards", "shard.url", "isShard", "NOW",
            "rid", "shards.purpose", "_stateVer_", "_", "echoParams", "omitHeader", "debugQuery", "debug");

    /** Waits until the new side has applied everything committed on the source so far. */
    @FunctionalInterface
    public interface CatchUp {
        /** @return the position waited for, as text (e.g. an LSN) */
        String await() throws Exception;
    }

    /**
     * @param oldSide      the old collection (null collection: the one each line names)
     * @param newSide      the new collection
     * @param idField      the unique key field
     * @param newFilter    a filter added on the new side only (e.g. excluding shardshift's tombstones), or null
     * @param strictScores compare relevance-ranked top-k in score order
     */
    public record Options(SolrEndpoint oldSide, SolrEndpoint newSide, String idField, String newFilter,
                          boolean strictScores, int maxAnswerChars) {
    }

    private final Options options;
    private final SolrSelect oldSolr;
    private final SolrSelect newSolr;
    private final CatchUp catchUp;
    private final ShadowSink sink;
    private final LongSupplier clock;

    /**
     * @param catchUp how to wait for the new side, or null (no lag tolerance: any difference is a mismatch)
     * @param sink    where records go, or null
     */
    public SolrLogReplay(Options options, CatchUp catchUp, ShadowSink sink, LongSupplier clock) {
        this.options = options;
        this.oldSolr = new SolrSelect(options.oldSide().baseUrl(), options.idField());
        this.newSolr = new SolrSelect(options.newSide().baseUrl(), options.idField());
        this.catchUp = catchUp;
        this.sink = sink;
        this.clock = clock;
    }

    /** Replays every select of the log. */
    public ReplaySummary run(BufferedReader log) throws IOException, InterruptedException {
        long reads = 0;
        long[] counts = new long[ShadowOutcome.values().length];
        long skipped = 0;
        List<ShadowRecord> bad = new ArrayList<>();
        String line;
        long n = 0;
        while ((line = log.readLine()) != null) {
            n++;
            var select = LoggedSelect.parse(line, n);
            if (select.isEmpty()) {
                skipped++;
                continue;
            }
            ShadowRecord r = replay(select.get());
            reads++;
            counts[r.outcomeValue().ordinal()]++;
            if (r.outcomeValue().disagrees()) {
                bad.add(r);
            }
            if (sink != null) {
                sink.publish(r);
            }
        }
        return new ReplaySummary(reads, counts[ShadowOutcome.AGREE.ordinal()], counts[ShadowOutcome.MISMATCH.ordinal()],
                counts[ShadowOutcome.EXPLAINED_BY_LAG.ordinal()], counts[ShadowOutcome.ERROR.ordinal()], skipped, bad);
    }

    /** Replays one select. */
    public ShadowRecord replay(LoggedSelect select) throws InterruptedException {
        String oldCollection = options.oldSide().collectionFor(select.collection());
        String newCollection = options.newSide().collectionFor(select.collection());
        List<Map.Entry<String, String>> params = replayParams(select);
        boolean relevance = select.param("sort").map(s -> s.isBlank() || s.trim().startsWith("score")).orElse(true);
        SearchAnswer a = null;
        SearchAnswer b = null;
        try {
            a = oldSolr.select(oldCollection, params);
            b = newSolr.select(newCollection, withNewFilter(params));
            Comparison first = compare(a, b, relevance);
            if (first.agree()) {
                return record(select, newCollection, ShadowOutcome.AGREE, "", a, b, null);
            }
            if (catchUp == null) {
                return record(select, newCollection, ShadowOutcome.MISMATCH, first.detail(), a, b, null);
            }
            String position = catchUp.await();
            newSolr.softCommit(newCollection);
            oldSolr.softCommit(oldCollection);
            a = oldSolr.select(oldCollection, params);
            b = newSolr.select(newCollection, withNewFilter(params));
            Comparison again = compare(a, b, relevance);
            return again.agree()
                    ? record(select, newCollection, ShadowOutcome.EXPLAINED_BY_LAG, first.detail()
                    + "; equal once the new side had applied up to " + position, a, b, position)
                    : record(select, newCollection, ShadowOutcome.MISMATCH, again.detail()
                    + " (still, with the new side applied up to " + position + ")", a, b, position);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return record(select, newCollection, ShadowOutcome.ERROR, "line " + select.line() + ": " + e.getMessage(),
                    a, b, null);
        }
    }

    private Comparison compare(SearchAnswer a, SearchAnswer b, boolean relevance) {
        if (!relevance || options.strictScores()) {
            return Answers.compareSearch(a, b);
        }
        boolean all = a.ids().size() >= a.numFound() && b.ids().size() >= b.numFound();
        if (!all) {
            return a.numFound() == b.numFound() ? new Comparison(true, "")
                    : new Comparison(false, "numFound " + a.numFound() + " vs " + b.numFound());
        }
        return Answers.compareSearch(sorted(a), sorted(b));
    }

    private static SearchAnswer sorted(SearchAnswer a) {
        return new SearchAnswer(a.numFound(), a.ids().stream().sorted().toList());
    }

    private List<Map.Entry<String, String>> replayParams(LoggedSelect select) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        String sort = null;
        for (Map.Entry<String, String> e : select.params()) {
            if (e.getKey().equals("sort")) {
                sort = e.getValue();
            } else if (!DROPPED.contains(e.getKey())) {
                out.add(e);
            }
        }
        String tieBreak = options.idField() + " asc";
        String base = sort == null || sort.isBlank() ? "score desc" : sort;
        out.add(Map.entry("sort", base.contains(options.idField() + " ") ? base : base + "," + tieBreak));
        return out;
    }

    private List<Map.Entry<String, String>> withNewFilter(List<Map.Entry<String, String>> params) {
        if (options.newFilter() == null) {
            return params;
        }
        List<Map.Entry<String, String>> out = new ArrayList<>(params);
        out.add(Map.entry("fq", options.newFilter()));
        return out;
    }

    private ShadowRecord record(LoggedSelect select, String newCollection, ShadowOutcome outcome, String detail,
                                SearchAnswer a, SearchAnswer b, String position) {
        int max = options.maxAnswerChars();
        return new ShadowRecord(UUID.randomUUID().toString(), "replay", ShadowRecord.SEARCH, select.collection(),
                ShadowRecord.truncate(select.queryText(), max), newCollection, 0, outcome.wireName(),
                ShadowRecord.truncate(detail, max), a == null ? null : ShadowRecord.truncate(a.canonical(), max),
                b == null ? null : ShadowRecord.truncate(b.canonical(), max), position, clock.getAsLong());
    }
}
