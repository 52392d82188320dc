package io.shardshift.migrator.cli;

import io.shardshift.core.spec.Secrets;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.cutover.CutoverController;
import io.shardshift.cutover.CutoverService;
import io.shardshift.verify.VerifyRuns;
import io.shardshift.cutover.SourceFailoverConvergence;
import io.shardshift.audit.AuditTrail;
import io.shardshift.migrator.http.DashboardServer;
import io.shardshift.migrator.http.ServeOptions;
import io.shardshift.rebalance.LiveLauncher;
import io.shardshift.rebalance.Rebalance;
import io.shardshift.rebalance.RebalanceKind;
import io.shardshift.rebalance.RebalanceRegistry;
import io.shardshift.migrator.http.RebalanceRoutes;
import io.shardshift.rebalance.Switchover;
import io.shardshift.engine.lag.SlotRetention;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.run.ProgressBar;
import io.shardshift.engine.run.StatusPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code shardshift migrate --spec FILE}: validates the spec, starts capture and apply, runs until stopped.
 * The migration is registered as rebalance {@code <spec name>} (kind {@code migrate}) on the HTTP API, next
 * to any tenant rehome or search rebalance started through it (see {@code shardshift serve}).
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Validate the spec, start capture, backfill and apply, and run until stopped (Ctrl-C).")
public final class MigrateCommand implements Callable<Integer> {

    @Option(names = "--spec", required = true, description = "The migration spec (YAML).")
    Path spec;

    @Option(names = "--state-dir", description = "Local state of the apply topology (default: .shardshift/<name>).")
    Path stateDir;

    @Option(names = "--rebackfill", paramLabel = "TABLE",
            description = "Copy this table again (schema.table; repeatable), e.g. after a target was rebuilt. Safe while streaming.")
    java.util.List<String> rebackfill = new java.util.ArrayList<>();

    @Option(names = "--http-port", defaultValue = "8080",
            description = "Port of the dashboard and HTTP API (0: any free port; -1: none; default ${DEFAULT-VALUE}).")
    int httpPort;

    @Mixin
    BindOptions bindOptions = new BindOptions();

    @Option(names = "--status-every", defaultValue = "PT2S", description = "How often to print progress (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration statusEvery;

    @Override
    public Integer call() throws Exception {
        MigrationSpec migration = SpecLoader.load(spec);
        Optional<String> refusal = lostSlotRefusal(migration);
        if (refusal.isPresent()) {
            System.err.println("shardshift migrate: refused: " + refusal.get());
            return 2;
        }
        Path state = stateDir != null ? stateDir : Path.of(".shardshift", migration.name());
        CountDownLatch stop = new CountDownLatch(1);
        java.util.Set<io.shardshift.core.event.TableId> again = new java.util.HashSet<>();
        rebackfill.forEach(t -> again.add(io.shardshift.core.event.TableId.parse(t)));
        try (MigrationRunner runner = MigrationRunner.start(migration, state, again);
             DashboardServer http = httpPort < 0 ? null : DashboardServer.start(runner, ServeOptions.of(httpPort, null)
                     .withHost(bindOptions.bind()).withAllowedHosts(bindOptions.allowedHosts()))) {
            if (http != null) {
                System.out.println("dashboard and API: " + http.url());
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                runner.close();
            }, "shardshift-shutdown"));
            try (AuditTrail audit = AuditTrail.toFileAndTopic(state.resolve("audit.log"), migration.kafka().bootstrapServers(),
                         AuditTrail.topicOf(migration.topicPrefix()));
                 CutoverController cutover = CutoverService.attach(runner, audit,
                         http == null ? new VerifyRuns() : http.verifyRuns());
                 RebalanceRegistry rebalances = new RebalanceRegistry(migration, state.resolve("rebalance"), new LiveLauncher())) {
                rebalances.register(Rebalance.running(migration.name(), RebalanceKind.MIGRATE, runner,
                        Switchover.of(cutover), http == null ? null : http.sampler()));
                if (http != null) {
                    http.attachCutover(migration.name(), cutover);
                    RebalanceRoutes.register(http.api(), rebalances);
                }
                runner.sourceFailover().ifPresent(f -> System.out.println("source failover: " + f.detected()
                        + "\n  what Shardshift does: " + f.action() + "\n  follow it in the status (sourceFailover)"
                        + " and the audit trail; cutover waits until the targets are converged"));
                SourceFailoverConvergence.startInBackground(runner, audit);
                return runUntilStopped(runner, stop);
            }
        }
    }

    /** Why the migration must not resume from its slot (its WAL is lost), with the commands to start again. */
    private Optional<String> lostSlotRefusal(MigrationSpec migration) {
        try {
            return SlotRetention.resumeRefusal(migration, SlotRetention.read(migration).walStatus(), spec.toString());
        } catch (SQLException e) {
            return Optional.empty(); // the preflight that follows names what is wrong with the source
        }
    }

    private int runUntilStopped(MigrationRunner runner, CountDownLatch stop) throws InterruptedException {
        StatusPrinter status = new StatusPrinter(runner, ProgressBar.forStdout(), System.out);
        while (!stop.await(statusEvery.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (runner.failure().isPresent()) {
                System.err.println("shardshift: migration failed: " + Secrets.maskCredentials(runner.failure().get().getMessage()));
                return 1;
            }
            status.print();
        }
        return 0;
    }
}
