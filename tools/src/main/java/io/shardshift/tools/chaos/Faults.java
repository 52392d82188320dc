package io.shardshift.tools.chaos;

import java.io.IOException;
import java.time.Duration;
import java.util.Random;

/**
 * The fault injectors of the chaos suite, each returning when the fault ended ({@link System#nanoTime()}), from
 * which the run measures recovery: the migrator process killed ({@code kill -9}) or suspended ({@code SIGSTOP}, then
 * {@code SIGCONT}), a PostgreSQL stopped and started on its data, the Kafka broker restarted on its log directory, a
 * Solr node stopped and started, the proxy to a target stalled and resumed. Random moments come from the run's
 * seeded {@link Random}.
 */
final class Faults {
    private final ChaosStack stack;
    private final ChaosSettings settings;
    private final Random random;
    private int count;

    Faults(ChaosStack stack, ChaosSettings settings, Random random) {
        this.stack = stack;
        this.settings = settings;
        this.random = random;
    }

    /** Faults injected so far. */
    int count() {
        return count;
    }

    /** Kills the migrator at a random moment of the backfill (up to 1.5 s into it) and restarts it. */
    long killDuringBackfill(Migrator migrator) throws IOException, InterruptedException {
        migrator.awaitPhase("backfill", Duration.ofMinutes(3));
        Thread.sleep(random.nextInt(1_500));
        return kill(migrator);
    }

    /** Kills the migrator at a random moment of streaming (within the stream period) and restarts it. */
    long killWhileStreaming(Migrator migrator) throws IOException, InterruptedException {
        Thread.sleep(random.nextInt(settings.streamSeconds() * 1_000));
        return kill(migrator);
    }

    /** {@code kill -9} of the migrator, then a restart on the same state; returns when the new process is up. */
    long kill(Migrator migrator) throws IOException, InterruptedException {
        migrator.process().kill();
        count++;
        migrator.restart();
        return System.nanoTime();
    }

    /** Counts a halt by the step hook (a kill at a step), restarts the migrator; returns when it is up. */
    long halted(Migrator migrator) throws IOException, InterruptedException {
        count++;
        migrator.restart();
        return System.nanoTime();
    }

    /** Suspends the migrator for the hang, then resumes it; returns at the resume. */
    long hang(MigratorProcess process) throws IOException, InterruptedException {
        process.suspend();
        count++;
        Thread.sleep(settings.hang().toMillis());
        process.resume();
        return System.nanoTime();
    }

    /** The scenario's fault while streaming; returns when it ended. */
    long whileStreaming(Scenario scenario, Migrator migrator) throws Exception {
        count++;
        switch (scenario) {
            case TARGET_OUTAGE -> {
                stack.target(0).stop();
                Thread.sleep(settings.outage().toMillis());
                stack.target(0).restart();
            }
            case TARGET_RESTART -> stack.target(0).restart();
            case SOURCE_RESTART -> stack.source().restart();
            case KAFKA_RESTART -> stack.demo().kafka().restart();
            case SOLR_NODE -> {
                stack.demo().solr().stopNode(1);
                Thread.sleep(settings.outage().toMillis());
                stack.demo().solr().restartNode(1);
            }
            case NETWORK_STALL -> {
                stack.proxyToA().stall();
                Thread.sleep(settings.outage().toMillis());
                stack.proxyToA().resume();
            }
            default -> throw new IllegalArgumentException(scenario + " has no fault while streaming");
        }
        return System.nanoTime();
    }

    /** Restarts the source PostgreSQL (after the cutover: reverse replication must reconnect). */
    long restartSource() {
        count++;
        stack.source().restart();
        return System.nanoTime();
    }

    /** The fault of a scenario other than the kill, in words, for the table. */
    String describe(Scenario scenario) {
        return switch (scenario) {
            case TARGET_OUTAGE -> "pg_a stopped " + settings.outage().toSeconds() + " s";
            case TARGET_RESTART -> "pg_a restarted";
            case SOURCE_RESTART -> "source restarted while streaming and after cutover";
            case KAFKA_RESTART -> "Kafka broker restarted";
            case SOLR_NODE -> "Solr node stopped " + settings.outage().toSeconds() + " s";
            case HUNG_HOST -> "migrator SIGSTOP " + settings.hang().toSeconds() + " s in the freeze";
            case NETWORK_STALL -> "migrator->pg_a stalled " + settings.outage().toSeconds() + " s";
            case TARGET_RESTORE -> "pg_a restored from an older copy";
            case KILL -> "kill -9";
        };
    }
}
