package io.shardshift.verify.internal;

import io.shardshift.core.verify.CompareReport;
import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.SourcePosition;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.RejectedEvent;
import io.shardshift.core.verify.CompareReport.Kind;
import io.shardshift.verify.VerifyException;
import io.shardshift.sink.solr.SolrTargetConfig;
import io.shardshift.sink.solr.SolrTargetSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Repairs a search target's keys through the fenced paths:
 * <ul>
 *   <li>a missing or stale document: its source row is re-published to the table's change topic
 *       ({@link Repair}), and the topology applies every event of a table to its search targets too;</li>
 *   <li>an extra live document: a DELETE at the document's fence + 1 applied through
 *       {@link SolrTargetSink}, which writes the tombstone; any genuine later change has a higher LSN and
 *       still applies.</li>
 * </ul>
 */
public final class SearchRepair {
    private static final Logger LOG = LoggerFactory.getLogger(SearchRepair.class);

    /** Re-publishes source rows through the change topic. */
    @FunctionalInterface
    public interface Republisher {
        void republish(Set<RowKey> keys) throws InterruptedException;
    }

    private final SolrTargetConfig config;
    private final TableSchema table;
    private final SearchMapping mapping;
    private final Republisher republisher;

    public SearchRepair(SolrTargetConfig config, TableSchema table, SearchMapping mapping, Republisher republisher) {
        this.config = config;
        this.table = table;
        this.mapping = mapping;
        this.republisher = republisher;
    }

    /** Repairs the keys; returns the keys acted on. */
    public Set<RowKey> run(Map<RowKey, List<SearchRecheck.Problem>> different) throws InterruptedException {
        Set<RowKey> republish = new LinkedHashSet<>();
        List<ChangeEvent> deletes = new ArrayList<>();
        long now = System.currentTimeMillis();
        different.forEach((key, problems) -> {
            for (SearchRecheck.Problem p : problems) {
                if (p.kind() != Kind.EXTRA_IN_TARGET) {
                    republish.add(key);
                } else if (p.doc() != null) {
                    deletes.add(deleteOf(p.doc()));
                }
            }
        });
        if (!deletes.isEmpty()) {
            try (SolrTargetSink sink = SolrTargetSink.open(config, table)) {
                List<RejectedEvent> rejected = sink.apply(deletes);
                if (!rejected.isEmpty()) {
                    throw new VerifyException("repair of search target " + config.name() + " was rejected: "
                            + rejected.get(0).reason(), null);
                }
            }
            LOG.info("repair of {} on search target {}: {} fenced deletes applied", table.id(), config.name(), deletes.size());
        }
        if (!republish.isEmpty()) {
            republisher.republish(republish);
        }
        return new LinkedHashSet<>(different.keySet());
    }

    private ChangeEvent deleteOf(SolrDoc doc) {
        SearchMapping.Parsed parsed = mapping.parse(doc.id()).orElseThrow(() ->
                new VerifyException("repair of search target " + config.name() + ": cannot read a key from document id "
                        + doc.id(), null));
        Map<String, String> key = new LinkedHashMap<>();
        for (int i = 0; i < table.primaryKey().size(); i++) {
            key.put(table.primaryKey().get(i), parsed.key().values().get(i));
        }
        Map<String, String> before = new LinkedHashMap<>(key);
        before.put(config.shardKey(), parsed.tenant());
        return ChangeEvent.delete(table.id(), key, before, SourcePosition.streamed(doc.fence() + 1, 0, System.currentTimeMillis()));
    }
}
