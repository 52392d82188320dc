package io.shardshift.tools.chaos;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The run's cutover and rollback through the migrator's API, with the faults that strike inside them: a halt after
 * a step (the step hook), after which the migrator is restarted and, if the switch did not take, asked again as an
 * operator would; or a hang in the freeze ({@code SIGSTOP}), after which the switch finishes or aborts and is asked
 * again.
 */
final class Switches {
    private static final Duration SWITCH_TIMEOUT = Duration.ofMinutes(4);
    private static final int ATTEMPTS = 3;

    private final Migrator migrator;
    private final Faults faults;
    private final List<String> problems;

    Switches(Migrator migrator, Faults faults, List<String> problems) {
        this.migrator = migrator;
        this.faults = faults;
        this.problems = problems;
    }

    /**
     * Cuts over.
     *
     * @param point the kill point (its hook fires here if it names a cutover step), or {@code null}
     * @param hang  suspend the migrator while it holds after the freeze
     * @return when a fault here ended ({@link System#nanoTime()}), or 0 if none struck
     */
    long cutover(KillPoint point, boolean hang) throws Exception {
        long faultEnd = 0;
        if (hang) {
            MigratorProcess p = migrator.process();
            CompletableFuture<MigratorProcess.Answer> answer = CompletableFuture.supplyAsync(() -> call(p, false));
            awaitOutput(p, "step-hook: reached cutover:freeze", Duration.ofMinutes(4));
            faultEnd = faults.hang(p);
            answer.get(SWITCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            faultEnd = switchOnce(false, point != null && "cutover".equals(point.phase()) && point.step() != null);
        }
        ensureLive(2, false);
        return faultEnd;
    }

    /** Rolls back; the kill point's hook fires here. Returns as {@link #cutover}. */
    long rollback(KillPoint point) throws Exception {
        long faultEnd = switchOnce(true, point.step() != null);
        ensureLive(1, true);
        return faultEnd;
    }

    private long switchOnce(boolean rollback, boolean hooked) throws Exception {
        MigratorProcess p = migrator.process();
        call(p, rollback);
        if (hooked && p.awaitExit(Duration.ofSeconds(20))) {
            return faults.halted(migrator);
        }
        if (hooked) {
            problems.add("the step hook did not halt the migrator");
        }
        return 0;
    }

    /**
     * Asks for the switch again, as an operator would, while the generation it makes live is not live yet (it
     * aborted, or the process died before the commit): up to {@value #ATTEMPTS} more times, each once apply lag is
     * back under 1 s. An abort is safe by design (the old layout stays live), so only a switch that never takes is a
     * problem.
     */
    private void ensureLive(long generation, boolean rollback) throws Exception {
        MigratorProcess.Answer last = null;
        for (int attempt = 0; attempt <= ATTEMPTS; attempt++) {
            migrator.restartIfDead("in the " + (rollback ? "rollback" : "cutover"));
            if (migrator.process().liveGeneration() == generation) {
                return;
            }
            if (attempt == ATTEMPTS) {
                break;
            }
            migrator.awaitLagUnderOneSecond(System.nanoTime(), Duration.ofMinutes(2));
            last = call(migrator.process(), rollback);
        }
        problems.add((rollback ? "rollback" : "cutover") + " did not make generation " + generation + " live after "
                + ATTEMPTS + " retries: " + (last == null ? "no answer" : last.status() + " " + last.body()));
    }

    /** The switch's answer, or {@code null} when the process went away during the call (a halt). */
    private static MigratorProcess.Answer call(MigratorProcess p, boolean rollback) {
        try {
            return rollback ? p.rollback(SWITCH_TIMEOUT) : p.cutover(SWITCH_TIMEOUT);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void awaitOutput(MigratorProcess p, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!p.output().contains(text)) {
            if (System.nanoTime() > deadline || !p.alive()) {
                throw new IllegalStateException("the migrator never printed '" + text + "'");
            }
            Thread.sleep(20);
        }
    }
}
