package io.shardshift.tools.demo;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.testkit.DemoSource;
import io.shardshift.engine.rate.RateGuardStatus;
import io.shardshift.testkit.DemoStack;
import io.shardshift.testkit.WriteLoad;
import io.shardshift.client.ConfigFollower;
import io.shardshift.client.ConfigKeys;
import io.shardshift.audit.AuditVerifier;
import io.shardshift.cutover.CutoverController;
import io.shardshift.cutover.CutoverResult;
import io.shardshift.cutover.CutoverService;
import io.shardshift.verify.VerifyRuns;
import io.shardshift.testkit.FollowingWriteLoad;
import io.shardshift.testkit.AckedWrites;
import io.shardshift.migrator.http.DashboardServer;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.lag.LagSnapshot;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.run.ProgressBar;
import io.shardshift.engine.run.StatusPrinter;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.testkit.RowCompare;
import io.shardshift.testkit.SearchCompare;
import io.shardshift.sink.solr.SolrClients;
import io.shardshift.sink.solr.SolrProvisioner;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code shardshift demo}: the whole story on an embedded stack of real services. Starts PostgreSQL
 * (source and two targets), Kafka and SolrCloud, creates a sample source with a hot tenant, runs a live
 * write load, migrates to a two-target layout and a new search collection, waits for lag to reach zero,
 * moves the search alias, compares every row and document, prints a summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a real migration end to end on an embedded stack (PostgreSQL, Kafka) and compare every row.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "200000", description = "Rows in the sample source (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--rate", defaultValue = "500", description = "Writes per second of the live load (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--writers", defaultValue = "4", description = "Concurrent writers (default ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--stream-seconds", defaultValue = "15",
            description = "Seconds of live writes after the backfill (default ${DEFAULT-VALUE}).")
    int streamSeconds;

    @Option(names = "--http-port", defaultValue = "8080",
            description = "Port of the dashboard on 127.0.0.1 (0: any free port; -1: none; default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--stay-up", description = "After the summary, keep everything running for the dashboard until Ctrl-C.")
    boolean stayUp;

    @Option(names = "--drain-minutes", defaultValue = "20",
            description = "How long to wait for lag to reach zero once writes stop (default ${DEFAULT-VALUE}).")
    int drainMinutes;

    @Option(names = "--no-cutover", description = "Stop after the compare; do not cut over.")
    boolean noCutover;

    @Option(names = "--no-solr", description = "Skip the search side (no SolrCloud, no collection).")
    boolean noSolr;

    @Option(names = "--solr-in-process", description = "Run SolrCloud in the demo's own JVM (by default it runs in a"
            + " JVM of its own, so that Solr does not starve the migrator of heap and threads).")
    boolean solrInProcess;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        System.out.println("demo: starting PostgreSQL (source, pg_a, pg_b), Kafka" + (noSolr ? ""
                : solrInProcess ? " and SolrCloud (in this JVM)" : " and SolrCloud (in a JVM of its own)") + " on this machine...");
        try (DemoStack stack = DemoStack.start(!noSolr, solrInProcess)) {
            try (Connection src = stack.source().connect(DemoStack.DATABASE)) {
                DemoSource.create(src, rows);
            }
            System.out.printf("demo: source has %,d orders of %d tenants; '%s' is hot (half of rows and writes)%n",
                    rows, DemoSource.TENANTS.size(), DemoSource.HOT_TENANT);
            MigrationSpec spec = stack.spec("demo", 1000);
            Path state = Files.createTempDirectory("shardshift-demo-state");
            String url = stack.source().jdbcUrl(DemoStack.DATABASE);
            try (WriteLoad load = new WriteLoad(url, stack.source().user(), stack.source().password(), writers, rate).start();
                 MigrationRunner runner = MigrationRunner.start(spec, state);
                 DashboardServer http = httpPort < 0 ? null : DashboardServer.start(runner, httpPort, null)) {
                PhaseLatency duringBackfill = new PhaseLatency(() -> !runner.backfillFinished());
                runner.metrics().addLatencyListener(duringBackfill);
                if (http != null) {
                    System.out.println("demo: dashboard at " + http.url());
                }
                System.out.printf("demo: writing %.0f/s while migrating to %s%n", rate, spec.routing());
                StatusPrinter status = new StatusPrinter(runner, ProgressBar.forStdout(), System.out);
                while (!runner.awaitBackfill(Duration.ofSeconds(2))) {
                    status.print();
                }
                status.print();
                long streamUntil = System.nanoTime() + Duration.ofSeconds(streamSeconds).toNanos();
                while (System.nanoTime() < streamUntil) {
                    Thread.sleep(2000);
                    status.print();
                }
                load.stop();
                System.out.println("demo: writes stopped (" + load.summary() + "); draining...");
                LagSnapshot lag = Drain.await(runner.lag(), Duration.ofMinutes(drainMinutes));
                System.out.println("demo: lag is zero: " + lag.summary());
                int result = summarize(stack, runner, load, lag, started, duringBackfill);
                if (!noCutover) {
                    result = Math.max(result, cutOverUnderLoad(stack, runner, http));
                }
                if (stayUp) {
                    System.out.println("demo: staying up for the dashboard" + (http == null ? "" : " at " + http.url())
                            + "; Ctrl-C to stop");
                    new java.util.concurrent.CountDownLatch(1).await();
                }
                return result;
            }
        }
    }

    /**
     * Writers that follow the config topic run while the demo cuts over; then every acknowledged write
     * must be in the new layout, once, with its last value.
     */
    private int cutOverUnderLoad(DemoStack stack, MigrationRunner runner, DashboardServer http) throws Exception {
        MigrationSpec spec = runner.spec();
        Path audit = Files.createTempDirectory("shardshift-demo-audit").resolve("audit.log");
        try (CutoverController controller = CutoverService.attach(runner, audit,
                http == null ? new VerifyRuns() : http.verifyRuns());
             ConfigFollower follower = ConfigFollower.start(spec.kafka().bootstrapServers(),
                     ConfigKeys.topic(spec.topicPrefix()), Map.of());
             FollowingWriteLoad writes = new FollowingWriteLoad(spec, follower, writers, rate / 2, 1_000_000_000_000L)) {
            if (http != null) {
                http.attachCutover(spec.name(), controller);
            }
            follower.awaitCaughtUp(Duration.ofSeconds(30));
            writes.start();
            Thread.sleep(3000);
            writes.maxWriteMillisAndReset();
            System.out.println("demo: cutting over under " + (rate / 2) + " writes/s from writers that follow the config topic...");
            CutoverResult result = controller.cutover();
            long writerPause = writes.maxWriteMillisAndReset();
            Thread.sleep(3000);
            writes.stop();
            writes.throwIfFailed();
            System.out.println("demo: cutover " + result.outcome() + (result.completed() ? "" : " at " + result.failedStep()
                    + ": " + result.reason()) + "; generation " + result.fromGeneration() + " -> " + result.toGeneration()
                    + "; write pause " + result.pauseMillis() + " ms (longest write seen by a writer: " + writerPause + " ms)");
            result.gates().forEach(g -> System.out.println("demo:   gate " + g.gate() + ": " + (g.passed() ? "passed" : "failed")
                    + " (" + g.detail() + ")"));
            Map<String, Connection> dbs = new LinkedHashMap<>();
            try {
                dbs.put("pg_a", stack.targets().get(0).connect(DemoStack.DATABASE));
                dbs.put("pg_b", stack.targets().get(1).connect(DemoStack.DATABASE));
                List<String> problems = AckedWrites.problems(writes, dbs, spec.routing());
                System.out.println("demo: " + writes.acked().size() + " acknowledged writes around the cutover; "
                        + (problems.isEmpty() ? "each is in the new layout once, with its last value"
                        : problems.size() + " problems, e.g. " + problems.subList(0, Math.min(5, problems.size()))));
                System.out.println("demo: audit trail " + audit + ": " + (AuditVerifier.verifyFile(audit).valid()
                        ? "hash chain verifies" : "BROKEN"));
                return result.completed() && problems.isEmpty() ? 0 : 1;
            } finally {
                for (Connection c : dbs.values()) {
                    c.close();
                }
            }
        }
    }

    /** Makes the new documents visible, moves the alias to the new collection, compares through the alias. */
    private static CompareReport compareSearch(Connection src, SolrTargetConfig cfg, TableSchema table) throws Exception {
        try (CloudSolrClient solr = SolrClients.forTarget(cfg)) {
            solr.commit(cfg.collectionName(), true, true, true);
            SolrProvisioner provisioner = new SolrProvisioner(solr);
            provisioner.pointAlias(cfg);
            System.out.println("demo: alias " + cfg.alias() + " -> " + provisioner.aliasTarget(cfg.alias()).orElse("?"));
            return SearchCompare.compare(src, solr, cfg.alias(), cfg, table);
        }
    }

    private int summarize(DemoStack stack, MigrationRunner runner, WriteLoad load, LagSnapshot lag, long started,
                          PhaseLatency duringBackfill) throws Exception {
        boolean clean = true;
        Map<String, Connection> targets = new LinkedHashMap<>();
        try (Connection src = stack.source().connect(DemoStack.DATABASE)) {
            for (int i = 0; i < stack.targets().size(); i++) {
                targets.put(i == 0 ? "pg_a" : "pg_b", stack.targets().get(i).connect(DemoStack.DATABASE));
            }
            for (TableSchema table : runner.tables()) {
                CompareReport report = RowCompare.compare(src, targets, table,
                        runner.spec().shardKeyOf(table.id()), runner.spec().routing());
                System.out.println("demo: compare " + report);
                clean &= report.clean();
            }
            for (SolrTargetConfig cfg : runner.search().all().values()) {
                CompareReport report = compareSearch(src, cfg, runner.search().schema(cfg.name()));
                System.out.println("demo: compare " + report);
                clean &= report.clean();
            }
        } finally {
            for (Connection c : targets.values()) {
                c.close();
            }
        }
        System.out.println();
        System.out.println("=== Shardshift demo summary ===");
        System.out.println("live writes during migration: " + load.summary());
        runner.backfillProgress().values().forEach(p -> System.out.printf("backfill %s: %,d rows%n", p.table(), p.rowsRead()));
        runner.metrics().snapshot().values().forEach(s -> System.out.printf(
                "target %s: %,d change events applied, commit-to-applied p50 %d ms, p99 %d ms%n",
                s.target(), s.eventsApplied(), s.p50LatencyMillis(), s.p99LatencyMillis()));
        System.out.println("commit-to-applied during the backfill, every target: " + duringBackfill.summary());
        RateGuardStatus guard = runner.rateGuard();
        if (guard != null) {
            System.out.printf("backfill rate guard: %d decreases, last rate %,d rows/s, limited by %s (apply.targetLag %d ms)%n",
                    guard.decreases(), Math.round(guard.rowsPerSecond()), guard.limitingSignal(), guard.targetLagMillis());
        }
        System.out.println("dead letters: " + runner.deadLetters());
        System.out.println("final lag: " + lag.summary());
        System.out.println("every row (and document) equal, in the target its layout names, nothing extra: "
                + (clean ? "YES" : "NO"));
        System.out.printf("took %.1f s%n", (System.nanoTime() - started) / 1e9);
        return clean && runner.deadLetters() == 0 ? 0 : 1;
    }
}
