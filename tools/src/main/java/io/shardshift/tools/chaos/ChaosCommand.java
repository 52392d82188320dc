package io.shardshift.tools.chaos;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code shardshift chaos}: the fault-injection suite on an embedded stack (PostgreSQL source and two targets, Kafka,
 * a two-node SolrCloud). Each run migrates under writers that follow the config topic, injects its scenario's fault,
 * recovers, cuts over, and checks that every row and document equals its source row, that every acknowledged write is
 * present once with its last value, that no letter is dead and that the audit chain verifies. Prints a table of
 * outcomes; exits 1 when any run failed a check (above all: lost, duplicated or mismatched data), 0 otherwise.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Inject faults (kill -9, outages, restarts, a hung host, a network stall) into migrations under load and check that nothing is lost.")
public final class ChaosCommand implements Callable<Integer> {

    @Option(names = "--scenario", defaultValue = "all",
            description = "all, or one or more (comma-separated) of: kill, target-outage, target-restart, source-restart, kafka-restart, solr-node, hung-host, network-stall (default ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--runs", defaultValue = "1", description = "Runs of each scenario (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the kill points' order and the random moments (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quick", description = "The CI tier's sizes: 10 s outages and hang, a 2,000-row table (default: 30 s outages, a 60 s hang, 20,000 rows).")
    boolean quick;

    @Option(names = "--rows", description = "Override the rows of the demo table at the start of each run.")
    Integer rows;

    @Option(names = "--outage", description = "Override how long a target, a Solr node or the network stays down (ISO-8601, e.g. PT30S).")
    Duration outage;

    @Override
    public Integer call() throws Exception {
        List<Scenario> scenarios = "all".equalsIgnoreCase(scenario) ? Arrays.asList(Scenario.values())
                : Arrays.stream(scenario.split(",")).map(String::trim).map(Scenario::named).toList();
        ChaosSettings settings = quick ? ChaosSettings.quick() : ChaosSettings.full();
        if (outage != null) {
            settings = new ChaosSettings(settings.rows(), settings.writers(), settings.rate(), settings.streamSeconds(),
                    outage, settings.hang());
        }
        if (rows != null) {
            settings = new ChaosSettings(rows, settings.writers(), settings.rate(), settings.streamSeconds(),
                    settings.outage(), settings.hang());
        }
        Path work = Files.createTempDirectory("shardshift-chaos");
        System.out.printf("chaos: %s, %d run(s) each, seed %d, %s; work directory %s%n", scenarios, runs, seed,
                settings, work);
        long started = System.nanoTime();
        List<RunOutcome> outcomes;
        try (ChaosStack stack = ChaosStack.start()) {
            Thread onExit = new Thread(() -> {
                ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
                stack.close();
            }, "chaos-shutdown");
            Runtime.getRuntime().addShutdownHook(onExit);
            outcomes = new ChaosSuite(stack, settings, work, System.out).run(scenarios, runs, seed);
            Runtime.getRuntime().removeShutdownHook(onExit);
        }
        System.out.println();
        System.out.printf("=== Shardshift chaos, %s, seed %d, %d runs, %.0f s ===%n", Instant.now(), seed, outcomes.size(),
                (System.nanoTime() - started) / 1e9);
        System.out.print(OutcomeTable.render(outcomes));
        long failed = outcomes.stream().filter(o -> !o.passed()).count();
        System.out.println(failed == 0 ? "every run passed" : failed + " run(s) failed; see their problems above");
        return failed == 0 ? 0 : 1;
    }
}
