package io.shardshift.engine.run;

import io.shardshift.core.copy.CopyText;
import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.SourcePosition;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.RejectedEvent;
import io.shardshift.engine.topology.DeadLetter;
import io.shardshift.engine.topology.DeadLetterPublisher;
import io.shardshift.sink.solr.SolrTargetConfig;
import io.shardshift.sink.solr.SolrTargetSink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The search side of one backfill reader thread: turns COPY rows into snapshot events and writes them to
 * the table's search targets in batches. A document a search target rejects goes to the dead-letter topic
 * with the reason and the origin {@code backfill}.
 */
final class SearchBackfill implements AutoCloseable {
    private static final int BATCH = 1000;

    private final TableSchema table;
    private final DeadLetterPublisher deadLetters;
    private final Map<String, SolrTargetSink> sinks = new LinkedHashMap<>();
    private final List<ChangeEvent> pending = new ArrayList<>(BATCH);

    SearchBackfill(TableSchema table, List<SolrTargetConfig> targets, DeadLetterPublisher deadLetters) {
        this.table = table;
        this.deadLetters = deadLetters;
        targets.forEach(cfg -> sinks.put(cfg.name(), SolrTargetSink.open(cfg, table)));
    }

    void add(byte[] line) {
        List<String> values = CopyText.fields(line);
        Map<String, String> row = new LinkedHashMap<>();
        List<String> names = table.columnNames();
        for (int i = 0; i < names.size(); i++) {
            row.put(names.get(i), values.get(i));
        }
        Map<String, String> key = new LinkedHashMap<>();
        table.primaryKey().forEach(k -> key.put(k, row.get(k)));
        pending.add(ChangeEvent.read(table.id(), key, row, SourcePosition.snapshotAt(0, System.currentTimeMillis())));
        if (pending.size() >= BATCH) {
            flush();
        }
    }

    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        for (SolrTargetSink sink : sinks.values()) {
            for (RejectedEvent r : sink.apply(pending)) {
                deadLetters.publish(new DeadLetter(null, io.shardshift.core.event.ChangeEventCodec.encode(r.event()),
                        r.reason(), "backfill:" + table.id(), -1, -1, r.target()));
            }
        }
        pending.clear();
    }

    @Override
    public void close() {
        sinks.values().forEach(SolrTargetSink::close);
    }
}
