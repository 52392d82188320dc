package io.shardshift.verify;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.DemoStack;
import io.shardshift.testkit.WriteLoad;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Prints the verify figures: rows/s of a verify of an idle, equal 1M-row table beside the lower bound
 * (one full-table hash query on the source and on each target, run at once), and the source's query p95
 * during a live migration with and without a verify running.
 *
 * <p>Run: {@code java -cp <test classpath> io.shardshift.verify.VerifyBenchmark [rows]}.
 */
public final class VerifyBenchmark {
    private static final int[] PARALLELISM = {2, 4};

    private VerifyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path state = Files.createTempDirectory("verify-bench");
        try (DemoStack stack = DemoStack.start()) {
            try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
                DemoSource.create(c, rows);
            }
            MigrationSpec spec = stack.spec("verify_bench", 1000);
            try (MigrationRunner runner = MigrationRunner.start(spec, state)) {
                if (!runner.awaitBackfill(Duration.ofMinutes(10))) {
                    throw new IllegalStateException("backfill did not finish");
                }
                Drain.await(runner.lag(), Duration.ofMinutes(2));
                for (DevPostgres pg : all(stack)) {
                    exec(pg, "VACUUM ANALYZE public.orders");
                }
                idleThroughput(stack, runner, rows);
                if (args.length < 2 || !args[1].equals("--idle-only")) {
                    liveSourceLatency(stack, runner);
                }
            }
        }
        System.exit(0);
    }

    private static void idleThroughput(DemoStack stack, MigrationRunner runner, int rows) throws Exception {
        String hash = "SELECT count(*), sum(hashtextextended(ROW(id, tenant_id, customer, status, amount, created_at, note)::text, 0)) "
                + "FROM public.orders";
        for (int parallelism : PARALLELISM) {
            idleThroughput(stack, runner, rows, hash, parallelism);
        }
    }

    private static void idleThroughput(DemoStack stack, MigrationRunner runner, int rows, String hash, int parallelism)
            throws Exception {
        double bestBaseline = Double.MAX_VALUE;
        double bestVerify = Double.MAX_VALUE;
        VerifyReport last = null;
        try (Verifier verifier = Verifier.inProcess(runner)) {
            for (int run = 0; run < 3; run++) {
                ExecutorService pool = Executors.newFixedThreadPool(3);
                long t0 = System.nanoTime();
                List<Future<?>> parts = new ArrayList<>();
                for (DevPostgres pg : all(stack)) {
                    parts.add(pool.submit(() -> {
                        exec(pg, hash);
                        return null;
                    }));
                }
                for (Future<?> f : parts) {
                    f.get();
                }
                bestBaseline = Math.min(bestBaseline, (System.nanoTime() - t0) / 1e9);
                pool.shutdown();

                long t1 = System.nanoTime();
                last = verifier.verify(VerifyOptions.defaults().withParallelism(parallelism));
                bestVerify = Math.min(bestVerify, (System.nanoTime() - t1) / 1e9);
                if (!last.clean()) {
                    throw new IllegalStateException("idle verify not clean: " + last.toText());
                }
            }
        }
        double baselineRate = rows / bestBaseline;
        double verifyRate = last.tables().get(0).rowsCompared() / bestVerify;
        System.out.printf("%nVERIFY idle equal table, %,d rows, 2 targets, chunks of %,d keys, parallelism %d:%n", rows,
                VerifyOptions.DEFAULT_CHUNK_ROWS, parallelism);
        System.out.printf("  one-query full-table hash, source and both targets at once: %.2f s = %,.0f rows/s%n",
                bestBaseline, baselineRate);
        System.out.printf("  shardshift verify (chunked, per-target, position-aware):   %.2f s = %,.0f rows/s%n",
                bestVerify, verifyRate);
        System.out.printf("  ratio verify / lower bound: %.2f%n", verifyRate / baselineRate);
    }

    private static void liveSourceLatency(DemoStack stack, MigrationRunner runner) throws Exception {
        DevPostgres src = stack.source();
        try (WriteLoad load = new WriteLoad(src.jdbcUrl(DemoStack.DATABASE), src.user(), src.password(), 4, 400).start()) {
            List<Long> without = probe(src, Duration.ofSeconds(20));
            AtomicBoolean verifying = new AtomicBoolean(true);
            int[] verifies = {0};
            Thread v = new Thread(() -> {
                try (Verifier verifier = Verifier.inProcess(runner)) {
                    while (verifying.get()) {
                        VerifyReport r = verifier.verify(VerifyOptions.defaults());
                        verifies[0]++;
                        if (!r.clean()) {
                            System.out.println("live verify not clean: " + r.toText());
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }, "bench-verify");
            v.start();
            List<Long> with = probe(src, Duration.ofSeconds(20));
            verifying.set(false);
            v.join();
            System.out.printf("%nSOURCE query latency during a live migration (4 writers, 400 writes/s; probe: point "
                    + "SELECT + UPDATE by id):%n");
            System.out.printf("  without verify: p50 %.2f ms, p95 %.2f ms (%d probes)%n", pct(without, 50), pct(without, 95), without.size());
            System.out.printf("  with verify:    p50 %.2f ms, p95 %.2f ms (%d probes, %d verifies completed)%n",
                    pct(with, 50), pct(with, 95), with.size(), verifies[0]);
            System.out.printf("  writes acknowledged: %s%n", load.summary());
        }
    }

    private static List<Long> probe(DevPostgres src, Duration length) throws Exception {
        List<Long> nanos = new ArrayList<>();
        long end = System.nanoTime() + length.toNanos();
        try (Connection c = src.connect(DemoStack.DATABASE);
             PreparedStatement select = c.prepareStatement("SELECT * FROM public.orders WHERE id = ?");
             PreparedStatement update = c.prepareStatement("UPDATE public.orders SET note = note WHERE id = ?")) {
            while (System.nanoTime() < end) {
                long id = 1 + ThreadLocalRandom.current().nextLong(900_000);
                long t0 = System.nanoTime();
                select.setLong(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rs.getString(1);
                    }
                }
                nanos.add(System.nanoTime() - t0);
                long t1 = System.nanoTime();
                update.setLong(1, id);
                update.executeUpdate();
                nanos.add(System.nanoTime() - t1);
                Thread.sleep(5);
            }
        }
        return nanos;
    }

    private static double pct(List<Long> nanos, int p) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
    }

    private static List<DevPostgres> all(DemoStack stack) {
        List<DevPostgres> all = new ArrayList<>();
        all.add(stack.source());
        all.addAll(stack.targets());
        return all;
    }

    private static void exec(DevPostgres pg, String sql) throws Exception {
        try (Connection c = pg.connect(DemoStack.DATABASE); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
