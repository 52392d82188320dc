package io.shardshift.engine.run;

import io.shardshift.cdc.BackfillPacer;
import io.shardshift.cdc.BackfillResult;
import io.shardshift.cdc.LoggingContext;
import io.shardshift.cdc.ShardKeyFilter;
import io.shardshift.cdc.SnapshotChunk;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The initial copy of the tables to the targets, shared by every process of the migration that runs it. Each
 * table is planned once into chunks ({@link ChunkPlanning}, under a source advisory lock), its chunks are
 * published to the chunk topic {@code <prefix>.backfill-chunks}, and the processes' {@link ChunkConsumer}s
 * (one consumer group) copy the chunks assigned to them, {@code apply.backfillParallelism} at once per
 * process, recording each copied chunk in the {@link BackfillLedger} before committing its offset. When every
 * chunk of a table is recorded, {@code backfill/<table>} = {@code done} is, as a one-process backfill always did.
 * A process that dies mid-chunk leaves the chunk uncommitted and the group gives it to another process.
 *
 * <p>Safe to run while the change stream is applied (snapshot rows only fill keys that hold nothing, and
 * deletes leave tombstones), so a chunk copied twice, by a retry or by two processes, changes nothing.
 * A tenant-scoped migration copies its tenants' rows only (the source filters each chunk; progress counts
 * the whole table's chunks, and the row estimate is the tenants' share of the table).
 *
 * <p>Progress and completion are global (read from the ledger): they include chunks other processes copied,
 * and a process that does not copy ({@code copies} false) still reports them.
 */
final class Backfill {
    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    private final MigrationSpec spec;
    private final List<TableSchema> tables;
    private final List<TableId> ids;
    private final BackfillLedger ledger;
    private final SearchTargets search;
    private final DeadLetterPublisher deadLetters;
    private final SnapshotReader reader;
    private final BackfillWrites writes;
    private final boolean copies;
    private final String instance;
    private final int parallelism;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Map<Thread, RoutedBackfillSink> sinks = new ConcurrentHashMap<>();
    private volatile ChunkConsumer consumer;
    private volatile ExecutorService workers;
    private volatile boolean planned;
    private volatile Thread thread;
    private volatile boolean stopping;

    /**
     * @param ledger   the backfill's records in the state topic, already followed
     * @param pacer    paces the reads (the rate guard's token bucket); it only delays them
     * @param writes   hears the writers' timings (the rate guard)
     * @param copies   whether this process copies chunks (the backfill role); otherwise it only reports
     * @param instance this process's name in the chunks' records
     */
    Backfill(MigrationSpec spec, List<TableSchema> tables, BackfillLedger ledger, SearchTargets search,
             DeadLetterPublisher deadLetters, BackfillPacer pacer, BackfillWrites writes, boolean copies, String instance) {
        this.spec = spec;
        this.tables = tables;
        this.ids = tables.stream().map(TableSchema::id).toList();
        this.ledger = ledger;
        this.search = search;
        this.deadLetters = deadLetters;
        this.reader = new SnapshotReader(spec).pacedBy(pacer);
        this.writes = writes;
        this.copies = copies;
        this.instance = instance;
        this.parallelism = spec.applyOrDefaults().backfillParallelismOrDefault();
    }

    /** Partitions of the chunk topic: enough for two processes' worth of parallel copies, at least 8. */
    static int chunkPartitions(MigrationSpec spec) {
        return Math.max(8, 2 * spec.applyOrDefaults().backfillParallelismOrDefault());
    }

    static String chunkTopic(MigrationSpec spec) {
        return spec.topicPrefix() + ".backfill-chunks";
    }

    /** Starts copying the tables not yet recorded as copied, and those named in {@code again}. */
    void start(java.util.Set<TableId> again) {
        if (!copies) {
            LOG.info("backfill: this process does not copy; it reports the progress of the processes that do");
            planned = true;
            done.countDown();
            return;
        }
        if (again.isEmpty() && ledger.allDone(ids)) {
            LOG.info("backfill: every table was copied by an earlier run");
            planned = true;
            done.countDown();
            return;
        }
        thread = new Thread(() -> run(again), "shardshift-backfill");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(java.util.Set<TableId> again) {
        long started = System.nanoTime();
        try (LoggingContext.Scope context = LoggingContext.forMigration(spec.name()).with(LoggingContext.PHASE, "backfill")) {
            // the consumer joins its group while the plan is made, and copies chunks as soon as they are published
            java.util.concurrent.CompletableFuture<Void> planning = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try (LoggingContext.Scope ignored = LoggingContext.forMigration(spec.name()).with(LoggingContext.PHASE, "backfill")) {
                    new ChunkPlanning(spec, reader, ledger, chunkTopic(spec), chunkPartitions(spec)).planMissing(tables, again);
                    ids.forEach(this::recordIfComplete);
                    planned = true;
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException("cannot plan the backfill: " + e.getMessage(), e);
                }
            }, r -> {
                Thread t = new Thread(r, "shardshift-backfill-plan");
                t.setDaemon(true);
                t.start();
            });
            workers = Executors.newFixedThreadPool(parallelism, r -> {
                Thread t = new Thread(r, "shardshift-backfill-copy");
                t.setDaemon(true);
                return t;
            });
            consumer = new ChunkConsumer(spec.kafka().bootstrapServers(), chunkTopic(spec), spec.topicPrefix() + ".backfill",
                    tables, ledger, workers, parallelism, this::copyChunk);
            if (!stopping) {
                consumer.run(() -> planning.isCompletedExceptionally() || planning.isDone() && ledger.allDone(ids));
            }
            try {
                planning.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
            if (ledger.allDone(ids)) {
                LOG.info("backfill of migration {} done: every table's chunks are copied ({} ms after this process"
                        + " started planning)", spec.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
        } catch (Exception | Error e) {
            if (stopping) {
                LOG.info("backfill of migration {} stopped before it finished; unfinished chunks are copied again",
                        spec.name());
            } else {
                LOG.error("backfill of migration {} failed: {}", spec.name(), e.getMessage(), e);
                failure.set(e);
            }
        } finally {
            if (workers != null) {
                workers.shutdownNow();
                try {
                    workers.awaitTermination(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            sinks.values().forEach(RoutedBackfillSink::close);
            sinks.clear();
            done.countDown();
        }
    }

    private final java.util.Set<String> copying = ConcurrentHashMap.newKeySet();

    /** Copies one chunk on a worker thread, records it, and records the table when it was the last. */
    private void copyChunk(TableSchema table, int generation, SnapshotChunk chunk) {
        try (LoggingContext.Scope ignored = LoggingContext.forMigration(spec.name()).with(LoggingContext.PHASE, "backfill")
                .with(LoggingContext.TABLE, table.id().toString())) {
            String name = table.id() + "#" + chunk.index();
            copying.add(name);
            try {
                RoutedBackfillSink sink = sinkFor(table);
                long rows = reader.readChunk(table, spec.shardKeyOf(table.id()), ShardKeyFilter.of(spec, table.id()).orElse(null),
                        chunk, sink);
                ledger.chunkCopied(table.id(), generation, chunk.index(), rows, instance);
                recordIfComplete(table.id());
            } finally {
                copying.remove(name);
            }
        }
    }

    /** The chunks this process is copying now, as {@code <schema.table>#<chunk index>}. */
    java.util.List<String> copying() {
        return java.util.List.copyOf(copying);
    }

    private void recordIfComplete(TableId table) {
        if (!ledger.tableDone(table) && ledger.everyChunkCopied(table)) {
            ledger.put(BackfillLedger.tableKey(table), BackfillLedger.DONE);
            BackfillLedger.Progress p = ledger.progress(table);
            LOG.info("backfill of {} done: {} rows in {} chunks (chunks per instance {})", table, p.rowsCopied(),
                    p.chunksDone(), p.chunksByInstance());
        }
    }

    /** The worker thread's sink, kept while it copies chunks of the same table. */
    private RoutedBackfillSink sinkFor(TableSchema table) {
        Thread me = Thread.currentThread();
        RoutedBackfillSink sink = sinks.get(me);
        if (sink != null && sink.table().id().equals(table.id())) {
            return sink;
        }
        if (sink != null) {
            sink.close();
        }
        sink = new RoutedBackfillSink(spec, table, spec.hasLayout() ? spec.routing() : null, search.of(table.id()),
                deadLetters, writes);
        sinks.put(me, sink);
        return sink;
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
            LOG.info("backfill of {} done: {} rows in {} chunks in {} ms", table.id(), result.rows(),
                    result.chunks(), result.took().toMillis());
            return result;
        }
    }

    /** Stops copying and waits for the copies in flight to end; their chunks stay uncommitted. */
    void stop(Duration timeout) {
        stopping = true;
        Thread t = thread;
        if (t != null && done.getCount() > 0) {
            ChunkConsumer c = consumer;
            if (c != null) {
                c.wakeup();
            }
            t.interrupt();
            ExecutorService w = workers;
            if (w != null) {
                w.shutdownNow();
            }
            try {
                if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("backfill of migration {} did not stop within {}", spec.name(), timeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ledger.close();
    }

    /** Waits for the backfill of every table (by any process) or a failure; true when it ended. */
    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return ledger.await(this::finished, Duration.ofNanos(unit.toNanos(timeout)));
    }

    /** Whether every table is recorded as copied (by any process), or this process's copying failed. */
    boolean finished() {
        return failure.get() != null || planned && ledger.allDone(ids);
    }

    Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Progress per planned table, from the ledger: every process's chunks. */
    Map<TableId, TableProgress> progress() {
        Map<TableId, TableProgress> out = new java.util.LinkedHashMap<>();
        chunkProgress().forEach((id, p) -> out.put(id, p.toTableProgress()));
        return out;
    }

    /** Progress per planned table with the chunks each instance copied. */
    Map<TableId, BackfillLedger.Progress> chunkProgress() {
        Map<TableId, BackfillLedger.Progress> out = new java.util.LinkedHashMap<>();
        for (TableId id : ids) {
            BackfillLedger.Progress p = ledger.progress(id);
            if (p.plan() != null) {
                out.put(id, p);
            }
        }
        return out;
    }
}
