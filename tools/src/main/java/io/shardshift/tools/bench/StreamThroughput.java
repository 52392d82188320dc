package io.shardshift.tools.bench;

import io.shardshift.cdc.ChangeCapture;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.topology.ApplyMetrics;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Steady change-stream throughput: with the migration running and the backfill done, one writer updates
 * {@code events} existing rows as fast as the source takes them ({@code UPDATE ... WHERE id BETWEEN} in
 * transactions of {@code chunk} rows, one change event per row), and the clock runs from the first
 * statement until every event is applied to the targets (counted by {@link ApplyMetrics}). On the way, a
 * timeline of what the source committed, what capture published to Kafka and what apply wrote shows
 * where a backlog builds up.
 */
final class StreamThroughput {
    private static final long SAMPLE_NANOS = Duration.ofMillis(20).toNanos();

    /**
     * One point of the timeline, counts since the start of the run.
     *
     * @param millis    since the first statement
     * @param committed events the source committed
     * @param published events capture published (acknowledged by Kafka)
     * @param applied   events applied to the targets
     */
    record Sample(long millis, long committed, long published, long applied) {
    }

    /**
     * What the run measured; each time is seconds from the first statement until the last event got there.
     *
     * @param events         change events generated
     * @param writeSeconds   until the source committed the last one
     * @param captureSeconds until capture had published the last one to Kafka
     * @param applySeconds   until the targets had applied the last one
     * @param timeline       samples, about every 20 ms
     */
    record Result(long events, double writeSeconds, double captureSeconds, double applySeconds, List<Sample> timeline) {
        double writeRate() {
            return events / writeSeconds;
        }

        double captureRate() {
            return events / captureSeconds;
        }

        double applyRate() {
            return events / applySeconds;
        }
    }

    private StreamThroughput() {
    }

    /**
     * Runs the measurement.
     *
     * @param rows    rows in the source table (ids 1..rows); updates wrap around when {@code events > rows}
     * @param timeout the longest the whole run may take
     */
    static Result run(MigrationRunner runner, long rows, long events, int chunk, Duration timeout, PrintStream out)
            throws SQLException, InterruptedException {
        ChangeCapture capture = runner.lag().capture().orElseThrow();
        long publishedBase = capture.publishedCount();
        long appliedBase = applied(runner.metrics());
        AtomicLong committed = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        LocalTime startedAt = LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        long start = System.nanoTime();
        long[] writeDoneAt = {0};
        Thread writer = new Thread(() -> {
            try {
                write(runner, rows, events, chunk, committed);
                writeDoneAt[0] = System.nanoTime();
            } catch (SQLException e) {
                failure.set(e);
            }
        }, "bench-stream-writer");
        writer.setDaemon(true);
        writer.start();

        List<Sample> timeline = new ArrayList<>();
        long capturedAt = 0;
        long appliedAt = 0;
        long deadline = start + timeout.toNanos();
        while (appliedAt == 0) {
            long now = System.nanoTime();
            long published = capture.publishedCount() - publishedBase;
            long applied = applied(runner.metrics()) - appliedBase;
            timeline.add(new Sample((now - start) / 1_000_000, committed.get(), published, applied));
            if (capturedAt == 0 && published >= events) {
                capturedAt = now;
            }
            if (applied >= events) {
                appliedAt = now;
            }
            if (failure.get() != null) {
                throw new SQLException("stream benchmark: writing to the source failed: " + failure.get().getMessage(), failure.get());
            }
            runner.failure().ifPresent(e -> {
                throw new IllegalStateException("migration failed during the stream benchmark: " + e.getMessage(), e);
            });
            if (now > deadline) {
                throw new IllegalStateException("stream benchmark: after " + timeout + " only " + applied + " of " + events
                        + " events were applied (committed " + committed.get() + ", published " + published + ")");
            }
            LockSupport.parkNanos(SAMPLE_NANOS);
        }
        writer.join();
        if (capturedAt == 0) {
            capturedAt = appliedAt;
        }
        out.printf("stream: %,d events committed in %.1f s, published in %.1f s, applied in %.1f s (%s to %s UTC)%n", events,
                (writeDoneAt[0] - start) / 1e9, (capturedAt - start) / 1e9, (appliedAt - start) / 1e9, startedAt,
                LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS));
        return new Result(events, (writeDoneAt[0] - start) / 1e9, (capturedAt - start) / 1e9, (appliedAt - start) / 1e9,
                timeline);
    }

    /**
     * As {@link #run}, but the end is found by the migration's applied watermark rather than this process's apply
     * metrics: once the writer is done, every change before the source's WAL position then must be applied to every
     * target, by whichever process of the migration holds its partition. So it measures a migration whose apply
     * runs in several processes. The timeline's applied column is not known then and stays 0.
     */
    static Result runToApplied(MigrationRunner runner, long rows, long events, int chunk, Duration timeout, PrintStream out)
            throws Exception {
        ChangeCapture capture = runner.lag().capture().orElseThrow();
        long publishedBase = capture.publishedCount();
        AtomicLong committed = new AtomicLong();
        long start = System.nanoTime();
        List<Sample> timeline = new ArrayList<>();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                synchronized (timeline) {
                    timeline.add(new Sample((System.nanoTime() - start) / 1_000_000, committed.get(),
                            capture.publishedCount() - publishedBase, 0));
                }
                LockSupport.parkNanos(SAMPLE_NANOS);
            }
        }, "bench-stream-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            write(runner, rows, events, chunk, committed);
            long written = System.nanoTime();
            long deadline = start + timeout.toNanos();
            runner.lag().watermark().awaitApplied(runner.lag().watermark().sourceWalLsn(),
                    Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            long applied = System.nanoTime();
            runner.failure().ifPresent(e -> {
                throw new IllegalStateException("migration failed during the stream benchmark: " + e.getMessage(), e);
            });
            double capturedSeconds = (applied - start) / 1e9;
            synchronized (timeline) {
                for (Sample s : timeline) {
                    if (s.published() >= events) {
                        capturedSeconds = s.millis() / 1000.0;
                        break;
                    }
                }
            }
            out.printf("stream: %,d events committed in %.1f s, published in %.1f s, applied (watermark) in %.1f s%n",
                    events, (written - start) / 1e9, capturedSeconds, (applied - start) / 1e9);
            synchronized (timeline) {
                return new Result(events, (written - start) / 1e9, capturedSeconds, (applied - start) / 1e9,
                        List.copyOf(timeline));
            }
        } finally {
            sampler.interrupt();
            sampler.join(1_000);
        }
    }

    private static void write(MigrationRunner runner, long rows, long events, int chunk, AtomicLong committed)
            throws SQLException {
        var source = runner.spec().source();
        try (Connection c = DriverManager.getConnection(source.jdbcUrl(), source.user(), source.password());
             PreparedStatement update = BenchSource.prepareRangeUpdate(c)) {
            c.setAutoCommit(true);
            long done = 0;
            while (done < events) {
                long from = done % rows + 1;
                long to = Math.min(rows, from + Math.min(chunk, events - done) - 1);
                update.setLong(1, from);
                update.setLong(2, to);
                int n = update.executeUpdate();
                done += n;
                committed.set(done);
                if (n == 0) {
                    throw new SQLException("stream benchmark: updating ids " + from + ".." + to + " changed no row");
                }
            }
        }
    }

    static long applied(ApplyMetrics metrics) {
        return metrics.snapshot().values().stream().mapToLong(ApplyMetrics.TargetStats::eventsApplied).sum();
    }

    /** Prints the timeline about once a second, with per-interval rates, for seeing where time goes. */
    static void printTimeline(Result result, PrintStream out) {
        out.println("stream timeline (cumulative events; rate over the last interval):");
        out.printf("  %7s %12s %12s %12s   %10s %10s %10s%n", "t (s)", "committed", "published", "applied",
                "commit/s", "publish/s", "apply/s");
        Sample prev = new Sample(0, 0, 0, 0);
        List<Sample> timeline = result.timeline();
        for (int i = 0; i < timeline.size(); i++) {
            Sample s = timeline.get(i);
            boolean last = i == timeline.size() - 1;
            if (s.millis() - prev.millis() < 1000 && !last) {
                continue;
            }
            double dt = Math.max(1, s.millis() - prev.millis()) / 1000.0;
            out.printf("  %7.1f %,12d %,12d %,12d   %,10d %,10d %,10d%n", s.millis() / 1000.0, s.committed(), s.published(),
                    s.applied(), Math.round((s.committed() - prev.committed()) / dt),
                    Math.round((s.published() - prev.published()) / dt), Math.round((s.applied() - prev.applied()) / dt));
            prev = s;
        }
    }
}
