package io.shardshift.tools.chaos;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The run's migrator across restarts: the current {@link MigratorProcess}, started again on the same spec and state
 * directory after a kill (without a step hook, so it does not halt again), and the waits of a run on its status.
 */
final class Migrator implements AutoCloseable {
    private static final Duration API_TIMEOUT = Duration.ofMinutes(3);

    private final String name;
    private final Path specFile;
    private final Path state;
    private final Path log;
    private final String password;
    private final List<String> problems;
    private MigratorProcess current;

    Migrator(String name, Path specFile, Path state, Path log, String password, List<String> problems) {
        this.name = name;
        this.specFile = specFile;
        this.state = state;
        this.log = log;
        this.password = password;
        this.problems = problems;
    }

    /** Starts the first process, with the step hook if any. */
    Migrator start(String stepHook, boolean hold) throws IOException, InterruptedException {
        current = MigratorProcess.start(name, specFile, state, log, password, stepHook, hold, List.of())
                .awaitApi(API_TIMEOUT);
        return this;
    }

    MigratorProcess process() {
        return current;
    }

    /** Starts a new process after the last one ended (killed, halted or failed). */
    void restart() throws IOException, InterruptedException {
        restart(List.of());
    }

    /** As {@link #restart()}, with more arguments to {@code migrate} (e.g. {@code --rebackfill=public.orders}). */
    void restart(List<String> migrateArgs) throws IOException, InterruptedException {
        current.kill();
        current = MigratorProcess.start(name, specFile, state, log, password, null, false, migrateArgs)
                .awaitApi(API_TIMEOUT);
    }

    /**
     * If the process ended by itself (it gave up on a fault), notes it as a problem and starts it again, as an
     * operator would, so the run can still be checked.
     */
    void restartIfDead(String when) throws IOException, InterruptedException {
        if (!current.alive()) {
            problems.add("the migrator exited with code " + current.exitCode().orElse(-1) + " " + when + "; restarted");
            restart();
        }
    }

    /** Waits until the migration's phase is {@code phase} (or later, for backfill); false after {@code timeout}. */
    boolean awaitPhase(String phase, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            restartIfDead("while waiting for " + phase);
            String now = statusOrNull() == null ? "" : statusOrNull().path("phase").asText();
            if (now.equals(phase) || phase.equals("backfill") && now.equals("streaming")) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * Waits until apply lag is under 1 s in a sample taken after {@code sinceNanos} (the apply caught up with the source) and returns the time that took from
     * {@code sinceNanos}, or -1 after {@code timeout}. A process that died on the way is restarted and noted.
     */
    long awaitLagUnderOneSecond(long sinceNanos, Duration timeout) throws IOException, InterruptedException {
        return awaitLagUnderOneSecond(null, sinceNanos, timeout);
    }

    /**
     * As {@link #awaitLagUnderOneSecond(long, Duration)}, for one target's lag only ({@code null}: the worst target's),
     * e.g. the RTO of a restored target while another target is still catching up.
     */
    long awaitLagUnderOneSecond(String target, long sinceNanos, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long sinceEpochMillis = System.currentTimeMillis() - (System.nanoTime() - sinceNanos) / 1_000_000;
        while (System.nanoTime() < deadline) {
            restartIfDead("after the fault");
            JsonNode s = statusOrNull();
            if (s != null && s.path("takenAtMillis").asLong() > sinceEpochMillis
                    && "streaming".equals(s.path("phase").asText()) && lagOf(s, target).isNumber()
                    && lagOf(s, target).asDouble() < 1.0 && !s.hasNonNull("sampleError")) {
                return (System.nanoTime() - sinceNanos) / 1_000_000;
            }
            Thread.sleep(250);
        }
        return -1;
    }

    /** Waits until nothing is left to apply (consumer lag 0, lag 0); false after {@code timeout}. */
    private static JsonNode lagOf(JsonNode status, String target) {
        if (target == null) {
            return status.path("lagSeconds");
        }
        for (JsonNode t : status.path("targets")) {
            if (target.equals(t.path("target").asText())) {
                return t.path("lagSeconds");
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    boolean awaitDrained(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (System.nanoTime() < deadline) {
            restartIfDead("while draining");
            JsonNode s = statusOrNull();
            boolean drained = s != null && s.path("consumerLagTotal").asLong(-1) == 0 && s.path("lagSeconds").asDouble(1) < 1.0;
            quiet = drained ? quiet + 1 : 0;
            if (quiet >= 3) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    private JsonNode statusOrNull() throws InterruptedException {
        try {
            return current.status();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (current != null) {
            current.close();
        }
    }
}
