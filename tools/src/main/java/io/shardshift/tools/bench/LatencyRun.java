package io.shardshift.tools.bench;

import io.shardshift.core.spec.TargetSpec;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.topology.ApplyMetrics;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * The apply topology's latencies are taken from its {@link ApplyMetrics.LatencyListener} while the run lasts,
 * so a load before it (a warm-up) does not count.
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
     * @param perTarget the apply topology's commit-to-applied latencies per target, of the events applied
     *                  during this run only (a warm-up before it does not count)
     */
    record Result(long writes, double seconds, Percentiles probe, Percentiles kafka,
                  Map<String, Percentiles> perTarget) {
        double rate() {
            return writes / seconds;
        }

        long metricsP50() {
            return perTarget.values().stream().mapToLong(Percentiles::p50).max().orElse(0);
        }

        long metricsP99() {
            return perTarget.values().stream().mapToLong(Percentiles::p99).max().orElse(0);
        }
    }

    private final MigrationRunner runner;
    private final AtomicLong nextId;
    private final int sampleEvery;
    private volatile PacedLoad.Outcome outcome;

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
        Map<String, List<Long>> applied = new ConcurrentHashMap<>();
        AtomicBoolean recording = new AtomicBoolean(true);
        runner.metrics().addLatencyListener((target, millis) -> {
            if (recording.get()) {
                applied.computeIfAbsent(target, t -> Collections.synchronizedList(new ArrayList<>())).add(millis);
            }
        });
        try (TopicLatency topic = TopicLatency.start(runner.spec())) {
            PacedLoad<Long> load = new PacedLoad<>("bench-latency", Duration.ofMillis(PROBE_POLL_MILLIS), CATCH_UP);
            outcome = load.run(rate, writers, duration, i -> new InsertWriter(), TargetProbe::new);
            long deadline = System.nanoTime() + CATCH_UP.toNanos();
            while (topic.seen() < outcome.writes() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }
            while (appliedCount(applied) < outcome.writes() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }
            recording.set(false);
            Map<String, Percentiles> perTarget = new TreeMap<>();
            applied.forEach((target, millis) -> {
                synchronized (millis) {
                    perTarget.put(target, Percentiles.of(List.copyOf(millis)));
                }
            });
            return new Result(outcome.writes(), outcome.seconds(), Percentiles.of(outcome.millis()), topic.stop(), perTarget);
        }
    }

    private static long appliedCount(Map<String, List<Long>> applied) {
        return applied.values().stream().mapToLong(List::size).sum();
    }

    /**
     * The probe's percentiles per {@link #WINDOW} of commit time, in order (window 0 starts with the first
     * write): shows whether the latency is steady or a transient, such as a backlog at start.
     */
    Map<Long, Percentiles> windows() {
        Map<Long, List<Long>> byWindow = new TreeMap<>();
        for (PacedLoad.Sample s : outcome.samples()) {
            byWindow.computeIfAbsent(windowOf(s), w -> new ArrayList<>()).add(s.millis());
        }
        Map<Long, Percentiles> out = new TreeMap<>();
        byWindow.forEach((w, samples) -> out.put(w, Percentiles.of(samples)));
        return out;
    }

    /** The probe's percentiles over the commits made at least {@code skip} after the first write. */
    Percentiles after(Duration skip) {
        return Percentiles.of(outcome.samples().stream()
                .filter(s -> windowOf(s) * WINDOW.toNanos() >= skip.toNanos()).map(PacedLoad.Sample::millis).toList());
    }

    private long windowOf(PacedLoad.Sample s) {
        return (s.committedAtNanos() - outcome.startNanos()) / WINDOW.toNanos();
    }

    /** Inserts single rows with fresh ids, one autocommit transaction each; probes one id in {@code sampleEvery}. */
    private final class InsertWriter implements PacedLoad.Writer<Long> {
        private final Connection connection;
        private final PreparedStatement insert;

        InsertWriter() throws SQLException {
            var source = runner.spec().source();
            connection = DriverManager.getConnection(source.jdbcUrl(), source.user(), source.password());
            connection.setAutoCommit(true);
            insert = BenchSource.prepareInsert(connection);
        }

        @Override
        public Long write(long n) throws SQLException {
            long id = nextId.getAndIncrement();
            insert.setLong(1, id);
            insert.executeUpdate();
            return id % sampleEvery == 0 ? id : null;
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /** Looks the probed ids up in every target. */
    private final class TargetProbe implements PacedLoad.Probe<Long> {
        private final List<Connection> targets = new ArrayList<>();

        TargetProbe() throws SQLException {
            for (TargetSpec t : runner.spec().targets()) {
                targets.add(DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password()));
            }
        }

        @Override
        public Collection<Long> visible(List<Long> pending) throws SQLException {
            List<Long> seen = new ArrayList<>();
            for (Connection target : targets) {
                Array array = target.createArrayOf("bigint", pending.toArray());
                try (PreparedStatement ps = target.prepareStatement("SELECT id FROM " + BenchSource.TABLE + " WHERE id = ANY(?)")) {
                    ps.setArray(1, array);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            seen.add(rs.getLong(1));
                        }
                    }
                }
            }
            return seen;
        }

        @Override
        public void close() throws SQLException {
            for (Connection c : targets) {
                c.close();
            }
        }
    }
}
