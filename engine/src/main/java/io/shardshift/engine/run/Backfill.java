package io.shardshift.engine.run;

import io.shardshift.cdc.BackfillPacer;
import io.shardshift.cdc.BackfillResult;
import io.shardshift.cdc.LoggingContext;
import io.shardshift.cdc.ShardKeyFilter;
import io.shardshift.cdc.SnapshotReader;
import io.shardshift.cdc.TableProgress;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.engine.rate.BackfillWrites;
import io.shardshift.engine.topology.DeadLetterPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The initial copy of the tables to the targets, on a background thread, table after table, each table in
 * parallel chunks. Safe to run while the change stream is applied (snapshot rows only fill keys that hold
 * nothing, and deletes leave tombstones) and safe to run again after a crash. A completed table is recorded
 * in the state topic and not copied again. A tenant-scoped migration copies its tenants' rows only (the
 * source filters each chunk; progress counts the whole table's chunks, and the row estimate is the
 * tenants' share of the table from the column's statistics).
 */
final class Backfill {
    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    private final MigrationSpec spec;
    private final List<TableSchema> tables;
    private final StateTopic state;
    private final SearchTargets search;
    private final DeadLetterPublisher deadLetters;
    private final SnapshotReader reader;
    private final BackfillWrites writes;
    private final Map<TableId, BackfillResult> results = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Thread thread;
    private volatile boolean stopping;
    /** How often {@link #recordedDone()} reads the state topic again. */
    private static final long RECORDED_CHECK_NANOS = TimeUnit.SECONDS.toNanos(2);
    private volatile boolean recordedDone;
    private volatile long recordedCheckedAt = System.nanoTime() - RECORDED_CHECK_NANOS;

    /**
     * @param pacer  paces the reads (the rate guard's token bucket); it only delays them
     * @param writes hears the writers' timings (the rate guard)
     */
    Backfill(MigrationSpec spec, List<TableSchema> tables, StateTopic state, SearchTargets search,
             DeadLetterPublisher deadLetters, BackfillPacer pacer, BackfillWrites writes) {
        this.spec = spec;
        this.tables = tables;
        this.state = state;
        this.search = search;
        this.deadLetters = deadLetters;
        this.reader = new SnapshotReader(spec).pacedBy(pacer);
        this.writes = writes;
    }

    /** Starts copying the tables not yet recorded as copied, and those named in {@code again}. */
    void start(java.util.Set<TableId> again) {
        Map<String, String> recorded = state.readAll();
        List<TableSchema> todo = tables.stream()
                .filter(t -> again.contains(t.id()) || !"done".equals(recorded.get(key(t.id())))).toList();
        if (todo.isEmpty()) {
            LOG.info("backfill: every table was copied by an earlier run");
            done.countDown();
            return;
        }
        thread = new Thread(() -> run(todo), "shardshift-backfill");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(List<TableSchema> todo) {
        try (LoggingContext.Scope context = LoggingContext.forMigration(spec.name()).with(LoggingContext.PHASE, "backfill")) {
            copy(todo, context);
        } finally {
            done.countDown();
        }
    }

    private void copy(List<TableSchema> todo, LoggingContext.Scope context) {
        try {
            for (TableSchema table : todo) {
                context.with(LoggingContext.TABLE, table.id().toString());
                copyOne(table);
                state.put(key(table.id()), "done");
            }
        } catch (RuntimeException | Error e) {
            if (stopping) {
                LOG.info("backfill of migration {} stopped before it finished; the next run copies the rest",
                        spec.name());
                return;
            }
            LOG.error("backfill of migration {} failed: {}", spec.name(), e.getMessage(), e);
            failure.set(e);
        }
    }

    /**
     * Copies one table to the targets now, on the calling thread (snapshot rows fill only keys that hold
     * nothing, so this is safe at any time, e.g. after a partition with rows was attached).
     */
    BackfillResult copyOne(TableSchema table) {
        try (RoutedBackfillSink sink = new RoutedBackfillSink(spec, table, spec.hasLayout() ? spec.routing() : null,
                search.of(table.id()), deadLetters, writes)) {
            BackfillResult result = reader.read(table, spec.shardKeyOf(table.id()),
                    ShardKeyFilter.of(spec, table.id()).orElse(null), sink);
            results.put(table.id(), result);
            LOG.info("backfill of {} done: {} rows in {} chunks in {} ms", table.id(), result.rows(),
                    result.chunks(), result.took().toMillis());
            return result;
        }
    }

    /** Interrupts an unfinished backfill and waits for its thread; its unfinished table is not recorded. */
    void stop(Duration timeout) {
        stopping = true;
        Thread t = thread;
        if (t == null || finished()) {
            return;
        }
        t.interrupt();
        try {
            if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("backfill of migration {} did not stop within {}", spec.name(), timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the state topic records every table as copied (by any process of the migration). */
    boolean recordedDone() {
        long now = System.nanoTime();
        if (recordedDone || now - recordedCheckedAt < RECORDED_CHECK_NANOS) {
            return recordedDone;
        }
        Map<String, String> recorded = state.readAll();
        recordedCheckedAt = System.nanoTime();
        recordedDone = tables.stream().allMatch(t -> "done".equals(recorded.get(key(t.id()))));
        return recordedDone;
    }

    /** Waits until {@link #recordedDone()}; false on timeout. */
    boolean awaitRecordedDone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!recordedDone()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(500);
        }
        return true;
    }

    private static String key(TableId table) {
        return "backfill/" + table;
    }

    /** Waits for the backfill to end; true when it ended. */
    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    boolean finished() {
        return done.getCount() == 0;
    }

    Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Progress per table being or having been read in this run. */
    Map<TableId, TableProgress> progress() {
        return reader.progress();
    }

    /** Results per table copied in this run. */
    Map<TableId, BackfillResult> results() {
        return Map.copyOf(results);
    }
}
