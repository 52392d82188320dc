package io.shardshift.client.shadow;

import io.shardshift.client.ConfigFollower;
import io.shardshift.client.RoutingLayout;
import io.shardshift.client.shadow.Answers.Comparison;
import io.shardshift.client.shadow.Answers.SearchAnswer;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
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
 * outcome {@code error}. When the answers differ, both reads run again once after {@link Options#recheckAfter()}
 * (the new side may just lag behind the source): equal then is published as {@code explained-by-lag}, still
 * different as {@code mismatch}. The old answer is read by the background thread after the call returns: do not change
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
     * @param recheckAfter   when the answers differ, both reads run again once after this long (the new side may
     *                       only lag): equal then is {@code explained-by-lag}; zero publishes the mismatch at once
     */
    public record Options(double sampleRate, int threads, int queueCapacity, int maxAnswerChars, Duration recheckAfter) {
        public Options {
            if (recheckAfter == null || recheckAfter.isNegative()) {
                throw new IllegalArgumentException("recheckAfter must be zero or positive, was " + recheckAfter);
            }
            if (!(sampleRate >= 0 && sampleRate <= 1)) {
                throw new IllegalArgumentException("sampleRate must be between 0 and 1, was " + sampleRate);
            }
            if (threads < 1 || queueCapacity < 1 || maxAnswerChars < 16) {
                throw new IllegalArgumentException("threads and queueCapacity must be positive and maxAnswerChars"
                        + " at least 16, were " + threads + ", " + queueCapacity + ", " + maxAnswerChars);
            }
        }

        /** This sample rate, 2 threads, a queue of 1000, answers cut at 2000 characters, a re-check after 1 s. */
        public static Options sampling(double sampleRate) {
            return new Options(sampleRate, 2, 1000, 2000, Duration.ofSeconds(1));
        }

        public Options withThreads(int n) {
            return new Options(sampleRate, n, queueCapacity, maxAnswerChars, recheckAfter);
        }

        public Options withQueueCapacity(int n) {
            return new Options(sampleRate, threads, n, maxAnswerChars, recheckAfter);
        }

        public Options withRecheckAfter(Duration d) {
            return new Options(sampleRate, threads, queueCapacity, maxAnswerChars, d);
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
    private final AtomicLong pendingRechecks = new AtomicLong();
    private final ScheduledExecutorService rechecks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "shardshift-shadow-recheck");
        t.setDaemon(true);
        return t;
    });

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
        }, ShadowRecord.ROWS, table, query, () -> rowsText(answer, false), () -> rowsText(oldRead.call(), false),
                Answers::compareRows);
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
                () -> rowsText(answer, ordered), () -> rowsText(oldRead.call(), ordered), Answers::compareRows);
        return answer;
    }

    /** A search: numFound and the top-k ids in order must agree (e.g. both through {@link SolrSelect}). */
    public SearchAnswer search(String collection, String query, Callable<SearchAnswer> oldRead,
                               Callable<SearchAnswer> newRead) throws Exception {
        SearchAnswer answer = oldRead.call();
        shadow(generation -> new Planned("*", newRead), ShadowRecord.SEARCH, collection, query, () -> answer, oldRead,
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

    /**
     * Queues the comparison of a sampled read: {@code oldAnswer} gives the application's answer, {@code oldAgain}
     * reads it again for a re-check.
     */
    private <T> void shadow(Plan plan, String kind, String table, String query, Callable<T> oldAnswer,
                            Callable<T> oldAgain, Compare<T> compare) {
        if (random.getAsDouble() >= options.sampleRate()) {
            return;
        }
        sampled.incrementAndGet();
        OptionalLong generation = pending.get();
        if (generation.isEmpty()) {
            notPending.incrementAndGet();
            return;
        }
        Shadowed<T> read = new Shadowed<>(kind, table, query, generation.getAsLong(), plan, oldAgain, compare);
        inFlight.incrementAndGet();
        try {
            executor.execute(() -> read.first(oldAnswer));
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            dropped.incrementAndGet();
        }
    }

    /** One sampled read on its way: compared once, and again after {@code recheckAfter} if the answers differ. */
    private final class Shadowed<T> {
        private final String kind;
        private final String table;
        private final String query;
        private final long generation;
        private final Plan plan;
        private final Callable<T> oldAgain;
        private final Compare<T> compare;

        Shadowed(String kind, String table, String query, long generation, Plan plan, Callable<T> oldAgain,
                 Compare<T> compare) {
            this.kind = kind;
            this.table = table;
            this.query = query;
            this.generation = generation;
            this.plan = plan;
            this.oldAgain = oldAgain;
            this.compare = compare;
        }

        @SuppressWarnings("unchecked")
        void first(Callable<T> oldAnswer) {
            boolean done = true;
            String target = null;
            T before = null;
            try {
                before = oldAnswer.call();
                Planned p = plan.at(generation);
                target = p.target();
                T after = (T) p.read().call();
                Comparison c = compare.apply(before, after);
                if (c.agree()) {
                    publish(kind, table, query, target, generation, ShadowOutcome.AGREE, "", text(before), text(after));
                } else if (options.recheckAfter().isZero() || pendingRechecks.get() >= options.queueCapacity()) {
                    publish(kind, table, query, target, generation, ShadowOutcome.MISMATCH, c.detail(), text(before),
                            text(after));
                } else {
                    String t = target;
                    pendingRechecks.incrementAndGet();
                    rechecks.schedule(() -> again(t, c.detail()), options.recheckAfter().toMillis(), TimeUnit.MILLISECONDS);
                    done = false;
                }
            } catch (Exception | LinkageError e) {
                publish(kind, table, query, target, generation, ShadowOutcome.ERROR, "new-layout read failed: " + e,
                        before == null ? null : text(before), null);
            } finally {
                if (done) {
                    inFlight.decrementAndGet();
                }
            }
        }

        @SuppressWarnings("unchecked")
        private void again(String target, String firstDetail) {
            try {
                T before = oldAgain.call();
                T after = (T) plan.at(generation).read().call();
                Comparison c = compare.apply(before, after);
                if (c.agree()) {
                    publish(kind, table, query, target, generation, ShadowOutcome.EXPLAINED_BY_LAG, firstDetail
                            + "; equal when read again " + options.recheckAfter().toMillis() + " ms later",
                            text(before), text(after));
                } else {
                    publish(kind, table, query, target, generation, ShadowOutcome.MISMATCH, c.detail()
                            + " (also when read again " + options.recheckAfter().toMillis() + " ms later)",
                            text(before), text(after));
                }
            } catch (Exception | LinkageError e) {
                publish(kind, table, query, target, generation, ShadowOutcome.ERROR, "re-check failed: " + e, null, null);
            } finally {
                pendingRechecks.decrementAndGet();
                inFlight.decrementAndGet();
            }
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
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Finishes the queued shadow reads and their re-checks (up to 5 s more than a re-check) and closes the sink. */
    @Override
    public void close() {
        try {
            awaitIdle(Duration.ofSeconds(5).plus(options.recheckAfter()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        rechecks.shutdownNow();
        sink.close();
    }
}
