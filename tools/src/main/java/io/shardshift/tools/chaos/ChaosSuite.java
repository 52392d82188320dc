package io.shardshift.tools.chaos;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Runs chaos scenarios on one {@link ChaosStack}, each {@code runs} times, from one seed (the kill points' order and
 * every random moment), and collects the {@link RunOutcome}s. A run that cannot finish (it threw) is a failed run
 * with the reason as its problem.
 */
final class ChaosSuite {
    private final ChaosStack stack;
    private final ChaosSettings settings;
    private final Path workDir;
    private final PrintStream out;
    private int nextId = 1;

    ChaosSuite(ChaosStack stack, ChaosSettings settings, Path workDir, PrintStream out) {
        this.stack = stack;
        this.settings = settings;
        this.workDir = workDir;
        this.out = out;
    }

    List<RunOutcome> run(List<Scenario> scenarios, int runs, long seed) {
        Random random = new Random(seed);
        List<RunOutcome> outcomes = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            List<KillPoint> points = scenario == Scenario.KILL ? KillPoint.plan(runs, random) : null;
            for (int i = 1; i <= runs; i++) {
                KillPoint point = points == null ? null : points.get(i - 1);
                RunOutcome outcome = runOne(scenario, i, point, random);
                out.print(OutcomeTable.details(List.of(outcome)));
                outcomes.add(outcome);
                out.print("chaos: so far:\n" + OutcomeTable.render(outcomes));
                out.flush();
            }
        }
        return outcomes;
    }

    private RunOutcome runOne(Scenario scenario, int runNo, KillPoint point, Random random) {
        int id = nextId++;
        String fault = point != null ? "kill -9 " + point : scenario.wireName();
        out.printf("chaos: %s #%d (%s) starting%n", scenario, runNo, fault);
        try {
            return new ChaosRun(stack, settings, workDir).run(scenario, runNo, id, point, random);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            e.printStackTrace(out);
            return new RunOutcome(scenario.wireName(), runNo, fault, 0, 0, 0, 0, 0, -1, 0,
                    List.of("the run could not finish: " + e));
        }
    }
}
