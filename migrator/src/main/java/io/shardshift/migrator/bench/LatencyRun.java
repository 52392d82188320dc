package io.shardshift.migrator.bench;

import io.shardshift.core.spec.TargetSpec;
import io.shardshift.migrator.run.MigrationRunner;
import io.shardshift.migrator.topology.ApplyMetrics;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end latency at a fixed rate: several writers insert single rows, one autocommit transaction each,
 * paced to {@code rate} inserts per second in all. Two measures are taken:
 * <ul>
 *   <li>the apply topology's own ({@link ApplyMetrics}): source commit timestamp to the target's
 *       acknowledgement of the batch, per event;</li>
 *   <li>a probe, as a user would see it: for one insert in {@code sampleEvery}, the time from the writer's
 *       commit acknowledgement to the row being visible in its target, found by polling both targets every
 *       {@value #PROBE_POLL_MILLIS} ms (so it reads up to that much high).</li>
 *   <li>the capture half: source commit timestamp to readable on the change topic ({@link TopicLatency}).</li>
 * </ul>
 * The apply topology's histogram counts since the migration started, so this must run before any other
 * streamed load (the backfill does not count).
 */
final class LatencyRun {
    static final int PROBE_POLL_MILLIS = 5;
    /** The width of the windows of {@link #windows()}. */
    static final Duration WINDOW = Duration.ofSeconds(5);
    /** How long the probe waits for the targets to catch up once writes stop (a loaded machine lags). */
    private static final Duration CATCH_UP = Duration.ofMinutes(5);

    /**
     * @param writes    inserts committed
     * @param seconds   how long the writers ran
     * @param probe     commit-acknowledged to visible in the target, sampled
     * @param kafka     source commit to readable on the change topic (the capture half), every event
     * @param perTarget the apply topology's figures per target
     */
    record Result(long writes, double seconds, Percentiles probe, Percentiles kafka,
                  Map<String, ApplyMetrics.TargetStats> perTarget) {
        double rate() {
            return writes / seconds;
        }

        long metricsP50() {
            return perTarget.values().stream().mapToLong(ApplyMetrics.TargetStats::p50LatencyMillis).max().orElse(0);
        }

        long metricsP99() {
            return perTarget.values().stream().mapToLong(ApplyMetrics.TargetStats::p99LatencyMillis).max().orElse(0);
        }
    }

    private final MigrationRunner runner;
    private final AtomicLong nextId;
    private final int sampleEvery;
    private final Map<Long, Long> pending = new ConcurrentHashMap<>();
    private final List<Long> probeMillis = new CopyOnWriteArrayList<>();
    private final Map<Long, List<Long>> probeMillisByWindow = new ConcurrentHashMap<>();
    private volatile long startNanos;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    /**
     * @param firstId     the first id to insert (above every existing id)
     * @param sampleEvery probe one insert in this many
     */
    LatencyRun(MigrationRunner runner, long firstId, int sampleEvery) {
        this.runner = runner;
        this.nextId = new AtomicLong(firstId);
        this.sampleEvery = sampleEvery;
    }

    /** Writes at {@code rate} per second from {@code writers} threads for {@code duration}, then lets the probe finish. */
    Result run(double rate, int writers, Duration duration) throws InterruptedException {
        try (TopicLatency topic = TopicLatency.start(runner.spec())) {
            Result result = measure(rate, writers, duration);
            long deadline = System.nanoTime() + CATCH_UP.toNanos();
            while (topic.seen() < result.writes() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }
            return new Result(result.writes(), result.seconds(), result.probe(), topic.stop(), result.perTarget());
        }
    }

    private Result measure(double rate, int writers, Duration duration) throws InterruptedException {
        long start = System.nanoTime();
        startNanos = start;
        long end = start + duration.toNanos();
        long intervalNanos = Math.round(writers * 1e9 / rate);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            long offset = i * intervalNanos / writers;
            threads.add(start(() -> write(start + offset, intervalNanos, end), "bench-latency-writer-" + i));
        }
        Thread probe = start(this::probe, "bench-latency-probe");
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        writing.set(false);
        probe.join(CATCH_UP.plusSeconds(30).toMillis());
        if (failure.get() != null) {
            throw new IllegalStateException("latency benchmark failed: " + failure.get().getMessage(), failure.get());
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException("latency benchmark: " + pending.size() + " probed rows did not show up in a target within " + CATCH_UP
                    + " after the writes stopped");
        }
        return new Result(writes.get(), seconds, Percentiles.of(probeMillis), null, runner.metrics().snapshot());
    }

    /**
     * The probe's percentiles per {@link #WINDOW} of commit time, in order (window 0 starts with the first
     * write): shows whether the latency is steady or a transient, such as a backlog at start.
     */
    Map<Long, Percentiles> windows() {
        Map<Long, Percentiles> out = new java.util.TreeMap<>();
        probeMillisByWindow.forEach((w, samples) -> out.put(w, Percentiles.of(samples)));
        return out;
    }

    /** The probe's percentiles over the commits made at least {@code skip} after the first write. */
    Percentiles after(Duration skip) {
        List<Long> samples = new ArrayList<>();
        probeMillisByWindow.forEach((w, millis) -> {
            if (w * WINDOW.toNanos() >= skip.toNanos()) {
                samples.addAll(millis);
            }
        });
        return Percentiles.of(samples);
    }

    private void write(long firstAt, long intervalNanos, long end) {
        var source = runner.spec().source();
        try (Connection c = DriverManager.getConnection(source.jdbcUrl(), source.user(), source.password());
             PreparedStatement insert = BenchSource.prepareInsert(c)) {
            c.setAutoCommit(true);
            for (long at = firstAt; at < end && failure.get() == null; at += intervalNanos) {
                long wait = at - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long id = nextId.getAndIncrement();
                insert.setLong(1, id);
                insert.executeUpdate();
                long committedAt = System.nanoTime();
                writes.incrementAndGet();
                if (id % sampleEvery == 0) {
                    pending.put(id, committedAt);
                }
            }
        } catch (SQLException e) {
            failure.compareAndSet(null, e);
        }
    }

    private void probe() {
        List<Connection> targets = new ArrayList<>();
        try {
            for (TargetSpec t : runner.spec().targets()) {
                targets.add(DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password()));
            }
            long giveUpAt = Long.MAX_VALUE;
            while (!pending.isEmpty() || writing.get()) {
                if (!writing.get() && giveUpAt == Long.MAX_VALUE) {
                    giveUpAt = System.nanoTime() + CATCH_UP.toNanos();
                }
                if (System.nanoTime() > giveUpAt || failure.get() != null) {
                    return;
                }
                if (!pending.isEmpty()) {
                    Long[] ids = pending.keySet().toArray(Long[]::new);
                    for (Connection target : targets) {
                        found(target, ids);
                    }
                }
                LockSupport.parkNanos(Duration.ofMillis(PROBE_POLL_MILLIS).toNanos());
            }
        } catch (SQLException e) {
            failure.compareAndSet(null, e);
        } finally {
            for (Connection c : targets) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing a probe connection; nothing to do
                }
            }
        }
    }

    private void found(Connection target, Long[] ids) throws SQLException {
        Array array = target.createArrayOf("bigint", ids);
        try (PreparedStatement ps = target.prepareStatement("SELECT id FROM " + BenchSource.TABLE + " WHERE id = ANY(?)")) {
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seenAt = System.nanoTime();
                    Long committedAt = pending.remove(rs.getLong(1));
                    if (committedAt != null) {
                        long millis = Math.max(0, (seenAt - committedAt) / 1_000_000);
                        probeMillis.add(millis);
                        probeMillisByWindow.computeIfAbsent((committedAt - startNanos) / WINDOW.toNanos(),
                                w -> new CopyOnWriteArrayList<>()).add(millis);
                    }
                }
            }
        }
    }

    private static Thread start(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
