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
import io.shardshift.engine.run.Role;
import io.shardshift.engine.run.RunOptions;
import io.shardshift.cdc.SourceIdentity;
import io.shardshift.core.event.TableId;
import io.shardshift.engine.run.ProgressBar;
import io.shardshift.engine.run.StatusPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code shardshift migrate --spec FILE}: validates the spec, starts capture and apply, runs until stopped.
 * The migration is registered as rebalance {@code <spec name>} (kind {@code migrate}) on the HTTP API, next
 * to any tenant rehome or search rebalance started through it (see {@code shardshift serve}).
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Validate the spec, start capture, backfill and apply, and run until stopped (Ctrl-C).")
public final class MigrateCommand implements Callable<Integer> {
    /** {@link #runOnce}'s answer when the source failed over and the migration resumes on the new primary. */
    private static final int RESUME = -1;
    /** Failovers one process follows before it leaves the next one to whoever restarts it. */
    private static final int MAX_RESUMES = 5;
    /** How long a resume waits for the source address to answer again. */
    private static final Duration SOURCE_WAIT = Duration.ofMinutes(5);

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

    @Option(names = "--role", defaultValue = "all", paramLabel = "ROLES",
            description = "What this process runs: all, or a comma list of capture, backfill and apply (default ${DEFAULT-VALUE})."
                    + " Several processes with the same spec form one migration.")
    String role;

    @Option(names = "--instance-id", paramLabel = "ID",
            description = "This process's name among the migration's processes (default: <hostname>-<pid>).")
    String instanceId;

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
        Optional<StateDirLock> stateLock = StateDirLock.tryAcquire(state);
        if (stateLock.isEmpty()) {
            System.err.println("shardshift migrate: refused: another shardshift migrate process uses the state directory "
                    + state.toAbsolutePath() + "; give each process of the migration its own --state-dir (and --instance-id)");
            return 2;
        }
        try (StateDirLock held = stateLock.get()) {
            CountDownLatch stop = new CountDownLatch(1);
            AtomicReference<MigrationRunner> current = new AtomicReference<>();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                MigrationRunner r = current.get();
                if (r != null) {
                    r.close();
                }
            }, "shardshift-shutdown"));
            Set<TableId> again = new HashSet<>();
            rebackfill.forEach(t -> again.add(TableId.parse(t)));
            RunOptions options = RunOptions.all().withRoles(Role.parse(role));
            if (instanceId != null) {
                options = options.withInstanceId(instanceId);
            }
            for (int resumes = 0; ; resumes++) {
                int rc = runOnce(migration, state, options.withRebackfill(again), stop, current);
                if (rc != RESUME) {
                    return rc;
                }
                if (resumes >= MAX_RESUMES) {
                    System.err.println("shardshift: the source failed over " + (resumes + 1) + " times in this process;"
                            + " stopping: start shardshift migrate again once the source is stable");
                    return 1;
                }
                again.clear(); // the failover's convergence compares every row; nothing else to copy again
                System.out.println("shardshift: the source failed over; resuming on the new primary (a new slot and a"
                        + " convergence of the targets, see sourceFailover in the status)");
                if (!awaitSource(migration, stop)) {
                    return stop.getCount() == 0 ? 0 : 1;
                }
            }
        }
    }

    /** One run of the migration; {@link #RESUME} when it stopped because the source failed over. */
    private int runOnce(MigrationSpec migration, Path state, RunOptions options, CountDownLatch stop,
                        AtomicReference<MigrationRunner> current) throws Exception {
        try (MigrationRunner runner = MigrationRunner.start(migration, state, options);
             DashboardServer http = httpPort < 0 ? null : DashboardServer.start(runner, ServeOptions.of(httpPort, null)
                     .withHost(bindOptions.bind()).withAllowedHosts(bindOptions.allowedHosts()))) {
            current.set(runner);
            if (http != null) {
                System.out.println("dashboard and API: " + http.url());
                runner.instances().advertiseHttp(http.url().toString());
            }
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
        } finally {
            current.set(null);
        }
    }

    /** Waits until the source address answers again (the promoted standby), or the user stops the migrator. */
    private static boolean awaitSource(MigrationSpec migration, CountDownLatch stop) throws InterruptedException {
        long deadline = System.nanoTime() + SOURCE_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                SourceIdentity.read(migration);
                return true;
            } catch (SQLException | RuntimeException e) {
                if (stop.await(2, TimeUnit.SECONDS)) {
                    return false;
                }
            }
        }
        System.err.println("shardshift: the source address did not answer within " + SOURCE_WAIT.toMinutes()
                + " minutes after its failover; start shardshift migrate again once it does");
        return false;
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
                if (runner.stoppedBySourceFailover()) {
                    System.err.println("shardshift: " + Secrets.maskCredentials(runner.failure().get().getMessage()));
                    return RESUME;
                }
                System.err.println("shardshift: migration failed: " + Secrets.maskCredentials(runner.failure().get().getMessage()));
                return 1;
            }
            status.print();
        }
        return 0;
    }
}
