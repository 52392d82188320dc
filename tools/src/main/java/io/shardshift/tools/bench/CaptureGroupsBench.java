package io.shardshift.tools.bench;

import io.shardshift.cdc.CaptureGroups;
import io.shardshift.cdc.ReplicationSetup;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.run.Role;
import io.shardshift.engine.run.RunOptions;
import io.shardshift.testkit.DemoStack;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The capture part of {@code bench --capture-groups N}: capture alone ({@code --role capture}, no apply competing
 * for the CPU) over several tables updated side by side, once with 1 capture group and once with N, and the raw
 * decoding of the same changes ({@code pg_recvlogical}, pgoutput, one slot over every table) measured in the same
 * run. Each run is a migration of its own (its own slots), started before the writers, so capture sees exactly
 * the updates; its rate is the updates over the time from the first write until capture has published them all.
 */
final class CaptureGroupsBench {
    private static final String TABLE_PREFIX = "public.bench_cg_";

    /**
     * @param groupsEventsPerSecond capture events/s with 1 group and with N, by group count
     * @param raw                   the raw decoding of the 1-group run's changes, empty without pg_recvlogical
     * @param loadAverage           the machine's load average (1, 5, 15 min) when the runs ended
     */
    record Result(Map<Integer, Double> groupsEventsPerSecond, Optional<RawDecoding.Result> raw, String loadAverage) {
    }

    private CaptureGroupsBench() {
    }

    /**
     * Runs the part.
     *
     * @param specYaml the bench spec, whose {@code name: bench} and single table this part replaces
     * @param events     updates per run, spread evenly over the tables
     * @param sourceRows the rows of the bench table, which the tables are copied from
     */
    static Result run(DemoStack stack, String specYaml, int groups, long events, long sourceRows, int eventsPerTxn,
                      PrintStream out) throws Exception {
        int tables = Math.max(4, groups);
        long rowsPerTable = Math.max(1, Math.min(sourceRows, events / tables));
        List<String> names = new ArrayList<>();
        try (Connection src = stack.source().connect(DemoStack.DATABASE); Statement st = src.createStatement()) {
            for (int i = 0; i < tables; i++) {
                String t = TABLE_PREFIX + i;
                names.add(t);
                st.execute("DROP TABLE IF EXISTS " + t);
                st.execute(BenchSource.ddl(t));
                st.execute("ALTER TABLE " + t + " REPLICA IDENTITY FULL");
                st.execute("INSERT INTO " + t + " SELECT * FROM " + BenchSource.TABLE + " WHERE id <= " + rowsPerTable);
                st.execute("VACUUM (ANALYZE) " + t);
            }
        }
        out.printf("bench: capture groups: %d tables of %,d rows, %,d updates per run in transactions of %,d...%n",
                tables, rowsPerTable, rowsPerTable * tables, eventsPerTxn);
        Map<Integer, Double> rates = new java.util.LinkedHashMap<>();
        Optional<RawDecoding.Result> raw = Optional.empty();
        for (int n : groups == 1 ? List.of(1) : List.of(1, groups)) {
            MigrationSpec spec = spec(stack, specYaml, names, n);
            String endLsn;
            try (MigrationRunner runner = MigrationRunner.start(spec, Files.createTempDirectory("shardshift-bench-cg"),
                    RunOptions.all().withRoles(java.util.Set.of(Role.CAPTURE)).withInstanceId("bench-cg" + n))) {
                CaptureGroups capture = runner.capture();
                if (!capture.awaitRunning(Duration.ofMinutes(1)) || !capture.holdsAll()) {
                    throw new IllegalStateException("capture of " + spec.name() + " did not start within a minute");
                }
                if (n == 1) {
                    try (Connection src = stack.source().connect(DemoStack.DATABASE)) {
                        RawDecoding.createSlot(src);
                    }
                }
                double rate = measure(stack, capture, names, rowsPerTable, eventsPerTxn);
                rates.put(n, rate);
                out.printf("bench: capture groups: %d group(s): %s%n", n, BenchReport.rate(rate, "events/s"));
                try (Connection src = stack.source().connect(DemoStack.DATABASE)) {
                    endLsn = RawDecoding.currentLsn(src);
                }
            }
            if (n == 1) {
                raw = rawDecoding(stack, spec, endLsn, rowsPerTable * tables, out);
            }
            ReplicationSetup.drop(spec);
        }
        return new Result(rates, raw, loadAverage());
    }

    private static MigrationSpec spec(DemoStack stack, String specYaml, List<String> tables, int groups) {
        String list = tables.stream().map(t -> "  - name: " + t + "\n").collect(Collectors.joining());
        String yaml = specYaml.replace("name: bench\n", "name: bench_cg" + groups + "\n")
                .replaceFirst("  - name: " + java.util.regex.Pattern.quote(BenchSource.TABLE) + "\n",
                        java.util.regex.Matcher.quoteReplacement(list))
                + "capture: {groups: " + groups + "}\n";
        return SpecLoader.parse(yaml, Map.of("BENCH_PASSWORD", stack.source().password()));
    }

    /** Updates every row of every table once, a writer per table; the capture rate over the whole burst. */
    private static double measure(DemoStack stack, CaptureGroups capture, List<String> tables, long rows, int chunk)
            throws Exception {
        long base = capture.publishedCount();
        long total = rows * tables.size();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> writers = new ArrayList<>();
        long start = System.nanoTime();
        for (String t : tables) {
            Thread w = new Thread(() -> {
                try {
                    update(stack.source(), t, rows, chunk);
                } catch (SQLException e) {
                    failure.set(e);
                }
            }, "bench-cg-writer-" + t);
            w.setDaemon(true);
            w.start();
            writers.add(w);
        }
        long deadline = start + Duration.ofMinutes(10).toNanos();
        while (capture.publishedCount() - base < total) {
            if (failure.get() != null) {
                throw failure.get();
            }
            capture.failure().ifPresent(e -> {
                throw new IllegalStateException("capture failed: " + e.getMessage(), e);
            });
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("capture published " + (capture.publishedCount() - base) + " of " + total
                        + " updates within 10 minutes");
            }
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (Thread w : writers) {
            w.join(60_000);
        }
        return total / seconds;
    }

    private static void update(DevPostgres source, String table, long rows, int chunk) throws SQLException {
        try (Connection c = source.connect(DemoStack.DATABASE);
             PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET amount = amount + 1, updated_at = now()"
                     + " WHERE id BETWEEN ? AND ?")) {
            for (long from = 1; from <= rows; from += chunk) {
                ps.setLong(1, from);
                ps.setLong(2, Math.min(rows, from + chunk - 1));
                ps.executeUpdate();
            }
        }
    }

    private static Optional<RawDecoding.Result> rawDecoding(DemoStack stack, MigrationSpec spec, String endLsn,
                                                            long events, PrintStream out) throws Exception {
        try {
            Optional<Path> binary = RawDecoding.findBinary();
            if (binary.isEmpty()) {
                out.println("bench: capture groups: pg_recvlogical not found: no raw part");
                return Optional.empty();
            }
            DevPostgres src = stack.source();
            RawDecoding.Result r = RawDecoding.run(binary.get(), "127.0.0.1", src.port(), DemoStack.DATABASE, src.user(),
                    src.password(), spec.publicationName(), endLsn, events);
            try (Connection c = src.connect(DemoStack.DATABASE)) {
                RawDecoding.checkReached(c, endLsn);
            }
            out.printf("bench: capture groups: raw decoding of the 1-group run: %s%n",
                    BenchReport.rate(r.eventsPerSecond(), "events/s"));
            return Optional.of(r);
        } finally {
            try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
                RawDecoding.dropSlot(c);
            }
        }
    }

    /** {@code /proc/loadavg}'s first three fields, or "unknown". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
