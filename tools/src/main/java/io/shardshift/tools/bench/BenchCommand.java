package io.shardshift.tools.bench;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.testkit.DemoStack;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.testkit.RowCompare;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code shardshift bench}: the figures of issue 2, measured in one run on an embedded stack of real services
 * (a source PostgreSQL, two target PostgreSQL instances, Kafka) side by side with the raw parts measured in
 * that same run: backfill speed against a raw {@code COPY} PG to PG, the steady change-stream throughput
 * applied to the targets, and the commit-to-applied latency at a fixed rate. Checks the data too: target
 * row counts after the backfill, and every row once the stream is drained. Exit code 0 when every goal is
 * met and the data is right, 1 otherwise.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure backfill rows/s (vs raw COPY), change-stream events/s and commit-to-applied latency "
                + "on an embedded stack of real PostgreSQL and Kafka, and print them against the goals.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows of about 200 bytes to backfill (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--events", defaultValue = "200000", description = "Change events of the throughput part (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--events-per-txn", defaultValue = "10000",
            description = "Rows updated per source transaction in the throughput part (default ${DEFAULT-VALUE}).")
    int eventsPerTxn;

    @Option(names = "--latency-seconds", defaultValue = "30", description = "Duration of the latency part (default ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--latency-rate", defaultValue = "1000",
            description = "Single-row transactions per second in the latency part (default ${DEFAULT-VALUE}).")
    double latencyRate;

    @Option(names = "--latency-writers", defaultValue = "4", description = "Writer threads of the latency part (default ${DEFAULT-VALUE}).")
    int latencyWriters;

    @Option(names = "--warmup-events", defaultValue = "30000",
            description = "Updates streamed (as fast as the source takes them) before the latency part, not measured: "
                    + "the JIT compiles the change path before the clock runs (default ${DEFAULT-VALUE}; 0 for none).")
    long warmupEvents;

    @Option(names = "--warmup-seconds", defaultValue = "10",
            description = "Seconds of single-row inserts at the latency rate after the warm-up updates, not measured "
                    + "(default ${DEFAULT-VALUE}; 0 for none).")
    int warmupSeconds;

    @Option(names = "--batch-size", defaultValue = "1000", description = "apply.batchSize of the benchmark's spec (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--apply-threads", defaultValue = "2", description = "apply.threads of the benchmark's spec (default ${DEFAULT-VALUE}).")
    int applyThreads;

    @Option(names = "--backfill-parallelism", defaultValue = "4",
            description = "apply.backfillParallelism of the benchmark's spec (default ${DEFAULT-VALUE}).")
    int backfillParallelism;

    @Option(names = "--chunk-rows", defaultValue = "50000", description = "apply.chunkRows of the benchmark's spec (default ${DEFAULT-VALUE}).")
    int chunkRows;

    @Option(names = "--instances", defaultValue = "2",
            description = "Migrator processes of the scale-out part: the stream phase again with this process alone, then "
                    + "with N-1 more processes applying (--role apply), both timed by the applied watermark "
                    + "(default ${DEFAULT-VALUE}; 1: no scale-out part).")
    int instances;

    @Option(names = "--compare", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Compare every row at the end (default ${DEFAULT-VALUE}).")
    boolean compare;

    /** The first id the warm-up's inserts use: above the latency part's (which start after the source rows). */
    private static final long WARMUP_FIRST_ID = 1_000_000_000L;

    /** Where the steady-state latency figure starts: past the start-up backlog of a cold pipeline. */
    private static final Duration STEADY_AFTER = Duration.ofSeconds(10);

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        validate();
        long started = System.nanoTime();
        out.println("bench: starting PostgreSQL (source, pg_a, pg_b) and Kafka on this machine...");
        try (DemoStack stack = DemoStack.start()) {
            long avgRowBytes;
            try (Connection src = stack.source().connect(DemoStack.DATABASE)) {
                BenchSource.create(src, rows);
                avgRowBytes = BenchSource.averageRowBytes(src);
            }
            out.printf("bench: source %s has %,d rows of about %d bytes (COPY text)%n", BenchSource.TABLE, rows, avgRowBytes);
            RawCopy.Result raw = rawCopy(stack);
            MigrationSpec spec = SpecLoader.parse(specYaml(stack), Map.of("BENCH_PASSWORD", stack.source().password()));
            Path state = Files.createTempDirectory("shardshift-bench-state");
            BenchReport report = new BenchReport();
            boolean dataRight;
            long startNanos = System.nanoTime();
            try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
                double backfillRate = backfill(stack, runner, raw, startNanos, report);
                Drain.await(runner.lag(), Duration.ofMinutes(2));

                warmUp(runner);
                out.printf("bench: latency: %.0f single-row inserts/s from %d writers for %d s...%n",
                        latencyRate, latencyWriters, latencySeconds);
                LatencyRun latencyRun = new LatencyRun(runner, rows + 1, 20);
                LatencyRun.Result latency = latencyRun.run(latencyRate, latencyWriters, Duration.ofSeconds(latencySeconds));
                out.printf("bench: latency: %,d inserts at %.0f/s%n  probe (commit ack -> visible in target): %s%n"
                        + "  capture half (commit -> readable on the change topic): %s%n  apply metrics per target (this window): %s%n",
                        latency.writes(), latency.rate(), latency.probe(), latency.kafka(), latency.perTarget());
                latencyRun.windows().forEach((w, p) -> out.printf("  probe, commits in %3d-%3d s: %s%n",
                        w * LatencyRun.WINDOW.toSeconds(), (w + 1) * LatencyRun.WINDOW.toSeconds(), p));
                Drain.await(runner.lag(), Duration.ofMinutes(2));

                out.printf("bench: stream: updating %,d rows in transactions of %,d as fast as the source takes them...%n",
                        events, eventsPerTxn);
                try (Connection src = stack.source().connect(DemoStack.DATABASE)) {
                    RawDecoding.createSlot(src);
                }
                StreamThroughput.Result stream = StreamThroughput.run(runner, rows, events, eventsPerTxn,
                        Duration.ofMinutes(15), out);
                String endLsn;
                try (Connection src = stack.source().connect(DemoStack.DATABASE)) {
                    endLsn = RawDecoding.currentLsn(src);
                }
                StreamThroughput.printTimeline(stream, out);
                Drain.await(runner.lag(), Duration.ofMinutes(5));
                Optional<RawDecoding.Result> rawDecoding = rawDecoding(stack, spec, endLsn);

                report.stream(stream.writeRate(), stream.captureRate(), stream.applyRate(),
                        rawDecoding.map(RawDecoding.Result::eventsPerSecond).orElse(0.0));
                if (instances > 1) {
                    scaleOut(stack, runner, spec, state, report);
                }
                report.latency("latency p50 @" + Math.round(latency.rate()) + "/s", latency.metricsP50(),
                        "probe " + latency.probe().p50() + " ms");
                report.latency("latency p95 (probe only)", latency.probe().p95(), "probe " + latency.probe().p95() + " ms");
                report.latencyP99("latency p99 @" + Math.round(latency.rate()) + "/s", latency.metricsP99(),
                        "probe " + latency.probe().p99() + " ms");
                Percentiles steady = latencyRun.after(STEADY_AFTER);
                report.info("latency p50/p99 after " + STEADY_AFTER.toSeconds() + " s", steady.p50() + " / " + steady.p99() + " ms",
                        "probe, commits after the first " + STEADY_AFTER.toSeconds() + " s (" + steady.count() + " samples)");
                report.info("latency p50/p99 capture half", latency.kafka().p50() + " / " + latency.kafka().p99() + " ms",
                        "commit -> readable on the change topic");
                report.info("backfill incl. start-up", BenchReport.rate(backfillRate, "rows/s"), "");
                dataRight = verify(stack, runner) && runner.deadLetters() == 0;
                out.println("bench: dead letters: " + runner.deadLetters());
            }
            out.println();
            out.println("=== Shardshift benchmark (2 targets, " + rows + " rows of ~" + avgRowBytes + " B, "
                    + events + " change events, " + latencySeconds + " s at " + Math.round(latencyRate) + "/s) ===");
            out.print(report.render());
            out.println("latency: apply metrics = source commit timestamp -> target acknowledged the batch (max over "
                    + "targets); probe = writer's commit ack -> row visible in the target (polled every "
                    + LatencyRun.PROBE_POLL_MILLIS + " ms, 1 insert in 20)");
            out.println("data right (counts after backfill" + (compare ? ", every row after the stream" : "") + ", no dead letters): "
                    + (dataRight ? "YES" : "NO"));
            out.println("goals met: " + (report.allGoalsMet() ? "YES" : "NO"));
            out.printf("took %.1f s%n", (System.nanoTime() - started) / 1e9);
            return dataRight && report.allGoalsMet() ? 0 : 1;
        }
    }

    /**
     * Streams changes through capture and apply before the latency part, so it measures a pipeline whose code the
     * JIT has compiled (in a migration the changes made during the backfill do that); see the README's cold start.
     */
    private void warmUp(MigrationRunner runner) throws Exception {
        if (warmupEvents == 0 && warmupSeconds == 0) {
            out.println("bench: no warm-up: the latency part starts on a cold pipeline");
            return;
        }
        long start = System.nanoTime();
        out.printf("bench: warm-up (not measured): %,d updates, then %d s of %.0f single-row inserts/s...%n",
                warmupEvents, warmupSeconds, latencyRate);
        if (warmupEvents > 0) {
            StreamThroughput.run(runner, rows, warmupEvents, eventsPerTxn, Duration.ofMinutes(10),
                    new PrintStream(OutputStream.nullOutputStream()));
        }
        if (warmupSeconds > 0) {
            new LatencyRun(runner, WARMUP_FIRST_ID, 20).run(latencyRate, latencyWriters, Duration.ofSeconds(warmupSeconds));
        }
        Drain.await(runner.lag(), Duration.ofMinutes(2));
        out.printf("bench: warm-up done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /**
     * The stream phase twice more, timed the same way (until the applied watermark passes the source's position after
     * the last write): with this process alone, then with {@code instances - 1} more processes in the apply groups.
     */
    private void scaleOut(DemoStack stack, MigrationRunner runner, MigrationSpec spec, Path state, BenchReport report)
            throws Exception {
        out.printf("bench: scale-out: %,d updates with 1 process applying...%n", events);
        StreamThroughput.Result one = StreamThroughput.runToApplied(runner, rows, events, eventsPerTxn,
                Duration.ofMinutes(15), out);
        out.printf("bench: scale-out: starting %d more migrator process(es) with --role apply...%n", instances - 1);
        try (ApplyInstances more = ApplyInstances.start(instances - 1, specYaml(stack),
                Map.of("BENCH_PASSWORD", stack.source().password()), Files.createDirectories(state.resolve("scale-out")))) {
            more.awaitMembers(spec, instances, Duration.ofMinutes(3));
            out.printf("bench: scale-out: every apply group has %d processes; %,d updates...%n", instances, events);
            StreamThroughput.Result many = StreamThroughput.runToApplied(runner, rows, events, eventsPerTxn,
                    Duration.ofMinutes(15), out);
            report.info("stream applied, 1 process", BenchReport.rate(one.applyRate(), "events/s"),
                    "until the applied watermark; captured " + BenchReport.rate(one.captureRate(), "events/s"));
            report.info("stream applied, " + instances + " processes", BenchReport.rate(many.applyRate(), "events/s"),
                    BenchReport.rate(many.applyRate() / instances, "events/s") + " per process; captured "
                            + BenchReport.rate(many.captureRate(), "events/s"));
        }
        Drain.await(runner.lag(), Duration.ofMinutes(5));
    }

    private void validate() {
        if (instances < 1) {
            throw new IllegalArgumentException("--instances must be at least 1");
        }
        if (warmupEvents < 0 || warmupSeconds < 0) {
            throw new IllegalArgumentException("--warmup-events and --warmup-seconds must not be negative");
        }
        if (rows >= WARMUP_FIRST_ID) {
            throw new IllegalArgumentException("--rows must be below " + WARMUP_FIRST_ID);
        }
        if (rows < 1 || events < 1 || eventsPerTxn < 1 || latencySeconds < 1 || latencyRate <= 0 || latencyWriters < 1) {
            throw new IllegalArgumentException("--rows, --events, --events-per-txn, --latency-seconds, --latency-rate and "
                    + "--latency-writers must be positive");
        }
    }

    private RawCopy.Result rawCopy(DemoStack stack) throws Exception {
        out.println("bench: raw COPY PG->PG (source -> pg_a, plain table with the same primary key)...");
        try (Connection src = stack.source().connect(DemoStack.DATABASE);
             Connection dst = stack.targets().get(0).connect(DemoStack.DATABASE)) {
            RawCopy.Result raw = RawCopy.run(src, dst);
            long copied = BenchSource.count(dst, BenchSource.RAW_TABLE);
            out.printf("bench: raw COPY: %,d rows (%,d MB) in %.2f s = %s%n", raw.rows(), raw.bytes() >> 20, raw.seconds(),
                    BenchReport.rate(raw.rowsPerSecond(), "rows/s"));
            if (copied != rows) {
                throw new IllegalStateException("raw COPY left " + copied + " rows in " + BenchSource.RAW_TABLE + ", not " + rows);
            }
            try (Statement st = dst.createStatement()) {
                st.execute("DROP TABLE " + BenchSource.RAW_TABLE);
            }
            return raw;
        }
    }

    /**
     * Decodes the stream phase's changes again with {@code pg_recvlogical} from the raw slot created before it,
     * and drops the slot; empty (with a line saying why) when the binary is not on this machine.
     */
    private Optional<RawDecoding.Result> rawDecoding(DemoStack stack, MigrationSpec spec, String endLsn) throws Exception {
        Optional<java.nio.file.Path> binary = RawDecoding.findBinary();
        try {
            if (binary.isEmpty()) {
                out.println("bench: raw decoding: pg_recvlogical not found (PATH, /usr/lib/postgresql/*/bin): no raw part");
                return Optional.empty();
            }
            out.printf("bench: raw decoding: %s with pgoutput from the stream phase's start to %s...%n", binary.get(), endLsn);
            DevPostgres src = stack.source();
            RawDecoding.Result result = RawDecoding.run(binary.get(), "127.0.0.1", src.port(), DemoStack.DATABASE,
                    src.user(), src.password(), spec.publicationName(), endLsn, events);
            try (Connection c = src.connect(DemoStack.DATABASE)) {
                RawDecoding.checkReached(c, endLsn);
            }
            out.printf("bench: raw decoding: %,d events in %.2f s = %s%n", result.events(), result.seconds(),
                    BenchReport.rate(result.eventsPerSecond(), "events/s"));
            return Optional.of(result);
        } finally {
            try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
                RawDecoding.dropSlot(c);
            }
        }
    }

    /** Times the backfill, checks the counts, adds its line; returns the rate including start-up. */
    private double backfill(DemoStack stack, MigrationRunner runner, RawCopy.Result raw, long startNanos,
                            BenchReport report) throws Exception {
        long backfillStart = System.nanoTime();
        if (!runner.awaitBackfill(Duration.ofMinutes(30))) {
            throw new IllegalStateException("backfill did not finish within 30 minutes");
        }
        long doneNanos = System.nanoTime();
        double seconds = (doneNanos - backfillStart) / 1e9;
        long[] counts = targetCounts(stack);
        long sourceRows;
        try (Connection src = stack.source().connect(DemoStack.DATABASE)) {
            sourceRows = BenchSource.count(src, BenchSource.TABLE);
        }
        out.printf("bench: backfill: %,d rows in %.2f s (%.2f s with start-up); pg_a %,d + pg_b %,d rows, source %,d%n",
                rows, seconds, (doneNanos - startNanos) / 1e9, counts[0], counts[1], sourceRows);
        if (counts[0] + counts[1] != sourceRows) {
            throw new IllegalStateException("after the backfill the targets hold " + (counts[0] + counts[1])
                    + " rows, the source " + sourceRows);
        }
        report.backfill(rows / seconds, raw.rowsPerSecond());
        return rows / ((doneNanos - startNanos) / 1e9);
    }

    private static long[] targetCounts(DemoStack stack) throws Exception {
        long[] counts = new long[stack.targets().size()];
        for (int i = 0; i < counts.length; i++) {
            try (Connection c = stack.targets().get(i).connect(DemoStack.DATABASE)) {
                counts[i] = BenchSource.count(c, BenchSource.TABLE);
            }
        }
        return counts;
    }

    private boolean verify(DemoStack stack, MigrationRunner runner) throws Exception {
        long[] counts = targetCounts(stack);
        Map<String, Connection> targets = new LinkedHashMap<>();
        try (Connection src = stack.source().connect(DemoStack.DATABASE)) {
            long sourceRows = BenchSource.count(src, BenchSource.TABLE);
            out.printf("bench: after the stream: source %,d rows, targets %,d + %,d%n", sourceRows, counts[0], counts[1]);
            if (!compare) {
                return sourceRows == counts[0] + counts[1];
            }
            for (int i = 0; i < stack.targets().size(); i++) {
                targets.put(runner.spec().targets().get(i).name(), stack.targets().get(i).connect(DemoStack.DATABASE));
            }
            TableSchema table = runner.tables().get(0);
            CompareReport report = RowCompare.compare(src, targets, table, BenchSource.SHARD_KEY, runner.spec().routing());
            out.println("bench: compare " + report);
            return report.clean();
        } finally {
            for (Connection c : targets.values()) {
                c.close();
            }
        }
    }

    private String specYaml(DemoStack stack) {
        DevPostgres src = stack.source();
        DevPostgres a = stack.targets().get(0);
        DevPostgres b = stack.targets().get(1);
        return """
                name: bench
                source:
                  jdbcUrl: %s
                  user: %s
                  password: ${env:BENCH_PASSWORD}
                tables:
                  - name: %s
                kafka:
                  bootstrapServers: %s
                  partitions: 8
                targets:
                  - {name: pg_a, jdbcUrl: "%s", user: %s, password: "${env:BENCH_PASSWORD}"}
                  - {name: pg_b, jdbcUrl: "%s", user: %s, password: "${env:BENCH_PASSWORD}"}
                layout:
                  shardKey: %s
                  buckets: 64
                  targets: [pg_a, pg_b]
                apply:
                  batchSize: %d
                  threads: %d
                  backfillParallelism: %d
                  chunkRows: %d
                """.formatted(src.jdbcUrl(DemoStack.DATABASE), src.user(), BenchSource.TABLE,
                stack.kafka().bootstrapServers(), a.jdbcUrl(DemoStack.DATABASE), a.user(), b.jdbcUrl(DemoStack.DATABASE),
                b.user(), BenchSource.SHARD_KEY, batchSize, applyThreads, backfillParallelism, chunkRows);
    }

    /** Runs the benchmark alone: {@code java -cp ... io.shardshift.tools.bench.BenchCommand --rows 100000}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }
}
