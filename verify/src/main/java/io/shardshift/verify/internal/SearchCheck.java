package io.shardshift.verify.internal;

import io.shardshift.core.verify.CompareReport;
import io.shardshift.core.verify.CompareReport.Mismatch;
import io.shardshift.verify.VerifyException;
import io.shardshift.verify.VerifyOptions;
import io.shardshift.verify.VerifyReport;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Verifies one table against one search target: {@link SearchScan}, then {@link SearchRecheck} of the
 * candidates, then (with repair) {@link SearchRepair} and a re-check of the repaired keys.
 */
public final class SearchCheck {
    private static final Logger LOG = LoggerFactory.getLogger(SearchCheck.class);

    private final VerifySql sql;
    private final SolrTargetConfig config;
    private final Supplier<Connection> sources;
    private final Recheck.ApplyWait applyWait;
    private final SearchRepair.Republisher republisher;

    public SearchCheck(VerifySql sql, SolrTargetConfig config, Supplier<Connection> sources, Recheck.ApplyWait applyWait,
                       SearchRepair.Republisher republisher) {
        this.sql = sql;
        this.config = config;
        this.sources = sources;
        this.applyWait = applyWait;
        this.republisher = republisher;
    }

    /** Compares the table's rows with the collection's documents. */
    public VerifyReport.SearchResult run(VerifyOptions opts) throws InterruptedException {
        SearchMapping mapping = new SearchMapping(config, sql.table());
        try (SolrReader solr = SolrReader.open(config); Connection c = sources.get()) {
            PgSource source = new PgSource(c, sql);
            SearchScan.Result scan = new SearchScan(source, mapping, solr).run(opts.chunkRows(), opts.tenant());
            Map<RowKey, List<SearchRecheck.Problem>> different = Map.of();
            Set<RowKey> unsettled = Set.of();
            int repaired = 0;
            if (!scan.candidates().isEmpty()) {
                SearchRecheck recheck = new SearchRecheck(source, mapping, solr, applyWait, opts.maxRounds());
                SearchRecheck.Result result = recheck.run(scan.candidates());
                if (opts.repair() && !result.different().isEmpty()) {
                    Set<RowKey> acted = new SearchRepair(config, sql.table(), mapping, republisher).run(result.different());
                    repaired = acted.size();
                    SearchRecheck.Result after = recheck.run(idsOf(acted, scan.candidates(), result.different()));
                    Set<RowKey> stillUnsettled = new LinkedHashSet<>(result.unsettled());
                    stillUnsettled.addAll(after.unsettled());
                    result = new SearchRecheck.Result(after.different(), stillUnsettled);
                }
                different = result.different();
                unsettled = result.unsettled();
            }
            List<Mismatch> mismatches = new ArrayList<>();
            different.values().forEach(problems -> problems.forEach(p -> mismatches.add(new Mismatch(p.kind(), p.docId(), p.detail()))));
            scan.unreadable().forEach(id -> {
                SearchRecheck.Problem p = SearchScan.unreadable(id);
                mismatches.add(new Mismatch(p.kind(), p.docId(), p.detail()));
            });
            VerifyReport.SearchResult r = new VerifyReport.SearchResult(config.name(), config.collectionName(), scan.rowsCompared(),
                    scan.chunks(), scan.candidates().size(), mismatches, repaired, unsettled.stream().map(RowKey::text).toList());
            LOG.info("verify {} on search target {} ({}): {} rows in {} chunks, {} keys re-checked, {} mismatches, {} unsettled{}",
                    sql.table().id(), config.name(), config.collectionName(), r.rowsCompared(), r.chunks(), r.keysRechecked(),
                    mismatches.size(), unsettled.size(), opts.repair() ? ", " + repaired + " repaired" : "");
            return r;
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new VerifyException("verify of " + sql.table().id() + " on search target " + config.name() + " failed: "
                    + e.getMessage(), e);
        }
    }

    private static Map<RowKey, Set<String>> idsOf(Set<RowKey> keys, Map<RowKey, Set<String>> seen,
                                                  Map<RowKey, List<SearchRecheck.Problem>> problems) {
        Map<RowKey, Set<String>> out = new LinkedHashMap<>();
        for (RowKey k : keys) {
            Set<String> ids = new LinkedHashSet<>(seen.getOrDefault(k, Set.of()));
            problems.getOrDefault(k, List.of()).forEach(p -> ids.add(p.docId()));
            out.put(k, ids);
        }
        return out;
    }
}
