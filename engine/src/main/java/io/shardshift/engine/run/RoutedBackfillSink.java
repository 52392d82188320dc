package io.shardshift.engine.run;

import io.shardshift.cdc.BackfillRowSink;
import io.shardshift.cdc.SnapshotChunk;
import io.shardshift.core.event.TableId;
import io.shardshift.core.layout.Layout;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.engine.rate.BackfillWrites;
import io.shardshift.engine.topology.DeadLetterPublisher;
import io.shardshift.sink.pg.PgBackfillWriter;
import io.shardshift.sink.solr.SolrTargetConfig;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Routes backfill rows by the layout to the target that will hold them, buffering each target's rows per
 * reader thread and writing them with that thread's {@link PgBackfillWriter} (a {@code COPY} into a
 * staging table, then insert-if-absent). One writer per reader thread per target, so chunks are written
 * in parallel on separate connections. Rows of a table with search targets also go, as snapshot events, to
 * those targets (see {@link SearchBackfill}). Without a layout (a search-only migration) rows go to the
 * search targets alone. In a tenant-scoped migration the reader already reads only the moved tenants'
 * rows; any other row that reaches this sink is dropped, never written.
 */
final class RoutedBackfillSink implements BackfillRowSink, AutoCloseable {
    private static final int FLUSH_BYTES = 4 << 20;

    private final MigrationSpec spec;
    private final TableSchema table;
    private final Layout layout;
    private final ThreadLocal<Map<String, Buffer>> buffers = ThreadLocal.withInitial(HashMap::new);
    private final List<PgBackfillWriter> writers = new CopyOnWriteArrayList<>();
    private final List<SolrTargetConfig> search;
    private final DeadLetterPublisher deadLetters;
    private final BackfillWrites writes;
    private final ThreadLocal<SearchBackfill> searchSide = new ThreadLocal<>();
    private final List<SearchBackfill> searchSides = new CopyOnWriteArrayList<>();

    /**
     * @param layout the layout rows are routed by, or {@code null} when they go to the search targets only
     * @param writes hears how long each PostgreSQL target took to write its rows
     */
    RoutedBackfillSink(MigrationSpec spec, TableSchema table, Layout layout, List<SolrTargetConfig> search,
                       DeadLetterPublisher deadLetters, BackfillWrites writes) {
        this.spec = spec;
        this.writes = writes;
        this.table = table;
        this.layout = layout;
        this.search = search;
        this.deadLetters = deadLetters;
    }

    @Override
    public void chunkStarted(SnapshotChunk chunk) {
        buffers.get().values().forEach(b -> {
            b.rows.reset();
            b.count = 0;
        });
    }

    @Override
    public void accept(TableId tableId, String shardKeyValue, byte[] line) throws Exception {
        if (!spec.moves(shardKeyValue)) {
            return;
        }
        if (layout != null) {
            Buffer b = buffers.get().computeIfAbsent(layout.targetFor(shardKeyValue), this::newBuffer);
            b.rows.write(line);
            b.count++;
            if (b.rows.size() >= FLUSH_BYTES) {
                b.flush();
            }
        }
        if (!search.isEmpty()) {
            searchSide().add(line);
        }
    }

    private SearchBackfill searchSide() {
        SearchBackfill side = searchSide.get();
        if (side == null) {
            side = new SearchBackfill(table, search, deadLetters);
            searchSide.set(side);
            searchSides.add(side);
        }
        return side;
    }

    @Override
    public void chunkFinished(SnapshotChunk chunk, long rows) throws Exception {
        for (Buffer b : buffers.get().values()) {
            b.flush();
        }
        if (searchSide.get() != null) {
            searchSide.get().flush();
        }
    }

    private Buffer newBuffer(String target) {
        PgBackfillWriter writer = PgBackfillWriter.open(spec.target(target), table);
        writers.add(writer);
        return new Buffer(target, writer, writes);
    }

    /** The table this sink writes. */
    TableSchema table() {
        return table;
    }

    /** Rows written to all targets so far. */
    long rowsWritten() {
        return writers.stream().mapToLong(PgBackfillWriter::rowsWritten).sum();
    }

    @Override
    public void close() {
        writers.forEach(PgBackfillWriter::close);
        searchSides.forEach(SearchBackfill::close);
    }

    private static final class Buffer {
        final String target;
        final PgBackfillWriter writer;
        final BackfillWrites writes;
        final ByteArrayOutputStream rows = new ByteArrayOutputStream(FLUSH_BYTES + 64 * 1024);
        long count;

        Buffer(String target, PgBackfillWriter writer, BackfillWrites writes) {
            this.target = target;
            this.writer = writer;
            this.writes = writes;
        }

        void flush() {
            if (rows.size() > 0) {
                long started = System.nanoTime();
                writer.writeCopyText(rows.toByteArray());
                writes.written(target, System.nanoTime() - started, count);
                rows.reset();
                count = 0;
            }
        }
    }
}
