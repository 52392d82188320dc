package io.shardshift.client.shadow;

import io.shardshift.client.ConfigFollower;
import io.shardshift.client.RoutingLayout;
import io.shardshift.client.shadow.Answers.Comparison;
import io.shardshift.client.shadow.Answers.SearchAnswer;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Shadow reads: for a sampled fraction of an application's reads, runs the same read against the new layout
 * (routed by the pending generation on the config topic) in the background, compares the answers and publishes
 * an agreement record ({@link ShadowRecord}) to {@code <prefix>.shadow}, where the migrator's
 * {@code cutover.shadowReads} gate counts them.
 *
 * <p>The application's own read runs in the caller's thread exactly as before and its answer (or exception) is
 * returned as is; the shadow read is queued to a small executor with a bounded queue, and a read that does not fit
 * is dropped and counted ({@link Stats#dropped()}), never waited for. A failing new-layout read is published as
 * outcome {@code error}. The old answer is read by the background thread after the call returns: do not change
 * the returned rows in place.
 *
 * <pre>{@code
 * ShadowReads shadow = ShadowReads.start(follower, new KafkaShadowSink("kafka:9092",
 *         ShadowRecord.topic("shardshift.orders"), Map.of(), log::warn), ShadowReads.Options.sampling(0.05));
 * JdbcReads targets = new JdbcReads(Map.of("pg_a", dsA, "pg_b", dsB));
 * List<Map<String, Object>> rows = shadow.rowsByKey("public.orders", tenant, "tenant=" + tenant + " id=" + id,
 *         () -> JdbcReads.query(sourceDs, sql, tenant, id),            // the application's read, unchanged
 *         target -> targets.queryOn(target, sql, tenant, id));         // the same read on the new layout
 * }</pre>
 */
public final class ShadowReads implements AutoCloseable {

    /**
     * @param sampleRate     the fraction of reads shadowed, 0..1
     * @param threads        the executor's threads
     * @param queueCapacity  shadow reads waiting at most; more are dropped
     * @param maxAnswerChars each answer in a record is cut to this length
     */
    public record Options(double sampleRate, int threads, int queueCapacity, int maxAnswerChars) {
        public Options {
            if (!(sampleRate >= 0 && sampleRate <= 1)) {
                throw new IllegalArgumentException("sampleRate must be between 0 and 1, was " + sampleRate);
            }
            if (threads < 1 || queueCapacity < 1 || maxAnswerChars < 16) {
                throw new IllegalArgumentException("threads and queueCapacity must be positive and maxAnswerChars"
                        + " at least 16, were " + threads + ", " + queueCapacity + ", " + maxAnswerChars);
            }
        }

        /** This sample rate, 2 threads, a queue of 1000, answers cut at 2000 characters. */
        public static Options sampling(double sampleRate) {
            return new Options(sampleRate, 2, 1000, 2000);
        }

        public Options withThreads(int n) {
            return new Options(sampleRate, n, queueCapacity, maxAnswerChars);
        }

        public Options withQueueCapacity(int n) {
            return new Options(sampleRate, threads, n, maxAnswerChars);
        }
    }

    /**
     * Counters since start.
     *
     * @param sampled    reads chosen for a shadow read
     * @param compared   shadow reads compared and published
     * @param mismatched of which mismatched or failed
     * @param dropped    sampled reads dropped because the queue was full
     * @param notPending sampled reads not shadowed because no generation was pending
     */
    public record Stats(long sampled, long compared, long mismatched, long dropped, long notPending) {
    }

    private final Supplier<OptionalLong> pending;
    private final Function<Long, RoutingLayout> layouts;
    private final ShadowSink sink;
    private final Options options;
    private final ThreadPoolExecutor executor;
    private volatile DoubleSupplier random = () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble();
    private volatile Supplier<String> newPosition = () -> null;
    private final LongSupplier clock;
    private final AtomicLong sampled = new AtomicLong();
    private final AtomicLong compared = new AtomicLong();
    private final AtomicLong mismatched = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong notPending = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();

    ShadowReads(Supplier<OptionalLong> pending, Function<Long, RoutingLayout> layouts, ShadowSink sink, Options options,
                LongSupplier clock) {
        this.pending = pending;
        this.layouts = layouts;
        this.sink = sink;
        this.options = options;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(options.threads(), options.threads(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(options.queueCapacity()), r -> {
                    Thread t = new Thread(r, "shardshift-shadow-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Shadow reads routed by the pending generation the follower sees; the sink is closed with this. */
    public static ShadowReads start(ConfigFollower follower, ShadowSink sink, Options options) {
        return new ShadowReads(follower::pendingGeneration, g -> follower.layout(g).orElseThrow(
                () -> new IllegalStateException("no layout published for pending generation " + g)), sink, options,
                System::currentTimeMillis);
    }

    /** Reports the new side's applied position (e.g. from the migrator's status) in each record. */
    public ShadowReads withNewPosition(Supplier<String> position) {
        this.newPosition = position;
        return this;
    }

    /** Replaces the sampling dice (tests). */
    ShadowReads withRandom(DoubleSupplier dice) {
        this.random = dice;
        return this;
    }

    /**
     * A read of the rows of one shard key value. The new read is given the target the pending layout routes the
     * value to (canonical key text, see {@link io.shardshift.client.ShardKeyText}); rows compare unordered.
     *
     * @param query how the read is named in the record, e.g. {@code tenant=acme id=42}
     */
    public List<Map<String, Object>> rowsByKey(String table, String shardKeyValue, String query,
                                               Callable<List<Map<String, Object>>> oldRead,
                                               Function<String, List<Map<String, Object>>> readOnTarget) throws Exception {
        List<Map<String, Object>> answer = oldRead.call();
        shadow(generation -> {
            String target = layouts.apply(generation).targetFor(shardKeyValue);
            return new Planned(target, () -> rowsText(readOnTarget.apply(target), false));
        }, ShadowRecord.ROWS, table, query, () -> rowsText(answer, false), Answers::compareRows);
        return answer;
    }

    /**
     * Any read of rows (any SQL): the new read runs as the application gives it (e.g. on every new target and
     * merged, see {@link JdbcReads#queryOnAll}). With {@code ordered}, the order of the rows must agree too.
     */
    public List<Map<String, Object>> rows(String table, String query, boolean ordered,
                                          Callable<List<Map<String, Object>>> oldRead,
                                          Callable<List<Map<String, Object>>> newRead) throws Exception {
        List<Map<String, Object>> answer = oldRead.call();
        shadow(generation -> new Planned("*", () -> rowsText(newRead.call(), ordered)), ShadowRecord.ROWS, table, query,
                () -> rowsText(answer, ordered), Answers::compareRows);
        return answer;
    }

    /** A search: numFound and the top-k ids in order must agree (e.g. both through {@link SolrSelect}). */
    public SearchAnswer search(String collection, String query, Callable<SearchAnswer> oldRead,
                               Callable<SearchAnswer> newRead) throws Exception {
        SearchAnswer answer = oldRead.call();
        shadow(generation -> new Planned("*", newRead), ShadowRecord.SEARCH, collection, query, () -> answer,
                Answers::compareSearch);
        return answer;
    }

    private record Planned(String target, Callable<?> read) {
    }

    private interface Plan {
        Planned at(long generation);
    }

    private interface Compare<T> {
        Comparison apply(T oldAnswer, T newAnswer);
    }

    private static List<String> rowsText(List<Map<String, Object>> rows, boolean ordered) {
        return Answers.canonicalRows(rows, ordered);
    }

    @SuppressWarnings("unchecked")
    private <T> void shadow(Plan plan, String kind, String table, String query, Callable<T> oldAnswer, Compare<T> compare) {
        if (random.getAsDouble() >= options.sampleRate()) {
            return;
        }
        sampled.incrementAndGet();
        OptionalLong generation = pending.get();
        if (generation.isEmpty()) {
            notPending.incrementAndGet();
            return;
        }
        inFlight.incrementAndGet();
        try {
            executor.execute(() -> {
                long g = generation.getAsLong();
                String target = null;
                T before = null;
                try {
                    before = oldAnswer.call();
                    Planned p = plan.at(g);
                    target = p.target();
                    T after = (T) p.read().call();
                    Comparison c = compare.apply(before, after);
                    publish(kind, table, query, target, g, c.agree() ? ShadowOutcome.AGREE : ShadowOutcome.MISMATCH,
                            c.detail(), text(before), text(after));
                } catch (Exception | LinkageError e) {
                    publish(kind, table, query, target, g, ShadowOutcome.ERROR, "new-layout read failed: " + e,
                            before == null ? null : text(before), null);
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            dropped.incrementAndGet();
        }
    }

    private static String text(Object answer) {
        if (answer instanceof SearchAnswer s) {
            return s.canonical();
        }
        return answer instanceof List<?> l ? "[" + String.join(",", l.stream().map(String::valueOf).toList()) + "]"
                : String.valueOf(answer);
    }

    private void publish(String kind, String table, String query, String target, long generation, ShadowOutcome outcome,
                         String detail, String oldText, String newText) {
        int max = options.maxAnswerChars();
        ShadowRecord r = new ShadowRecord(UUID.randomUUID().toString(), "client", kind, table,
                ShadowRecord.truncate(query, max), target, generation, outcome.wireName(),
                ShadowRecord.truncate(detail, max), ShadowRecord.truncate(oldText, max),
                ShadowRecord.truncate(newText, max), newPosition.get(), clock.getAsLong());
        compared.incrementAndGet();
        if (outcome.disagrees()) {
            mismatched.incrementAndGet();
        }
        sink.publish(r);
    }

    /** The counters now. */
    public Stats stats() {
        return new Stats(sampled.get(), compared.get(), mismatched.get(), dropped.get(), notPending.get());
    }

    /** Waits until every queued shadow read is done (or the timeout); true if all are. */
    public boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Stops taking shadow reads, finishes the queued ones (up to 5 s) and closes the sink. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        sink.close();
    }
}
