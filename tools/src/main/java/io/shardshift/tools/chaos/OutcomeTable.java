package io.shardshift.tools.chaos;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The chaos suite's table of outcomes, one line per scenario (runs summed, recovery and write pause their worst),
 * in Markdown so the README can carry it as printed.
 *
 * <pre>
 * | scenario | runs | passed | faults | acked writes | lost | duplicated | mismatches | recovery (max) | max write pause |
 * </pre>
 */
final class OutcomeTable {
    private OutcomeTable() {
    }

    static String render(List<RunOutcome> outcomes) {
        Map<String, List<RunOutcome>> byScenario = outcomes.stream()
                .collect(Collectors.groupingBy(RunOutcome::scenario, LinkedHashMap::new, Collectors.toList()));
        StringBuilder out = new StringBuilder();
        out.append("| scenario | runs | passed | faults injected | acknowledged writes | lost | duplicated | mismatches "
                + "| recovery time (max) | max write pause | RPO: rows the restore lost (refilled) |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        byScenario.forEach((scenario, runs) -> {
            long recovered = runs.stream().mapToLong(RunOutcome::recoveryMillis).filter(r -> r >= 0).max().orElse(-1);
            boolean anyUnrecovered = runs.stream().anyMatch(r -> r.recoveryMillis() < 0 && r.faults() > 0);
            out.append("| ").append(scenario)
                    .append(" | ").append(runs.size())
                    .append(" | ").append(runs.stream().filter(RunOutcome::passed).count())
                    .append(" | ").append(runs.stream().mapToInt(RunOutcome::faults).sum())
                    .append(" | ").append(runs.stream().mapToLong(RunOutcome::acked).sum())
                    .append(" | ").append(runs.stream().mapToLong(RunOutcome::lost).sum())
                    .append(" | ").append(runs.stream().mapToLong(RunOutcome::duplicated).sum())
                    .append(" | ").append(runs.stream().mapToLong(RunOutcome::mismatches).sum())
                    .append(" | ").append(recovered < 0 ? "n/a" : seconds(recovered)).append(anyUnrecovered ? " (some never)" : "")
                    .append(" | ").append(seconds(runs.stream().mapToLong(RunOutcome::maxWritePauseMillis).max().orElse(0)))
                    .append(" | ").append(rpo(runs))
                    .append(" |\n");
        });
        return out.toString();
    }

    /** One line per run: its fault and, for a run that failed, its problems. */
    static String details(List<RunOutcome> outcomes) {
        StringBuilder out = new StringBuilder();
        for (RunOutcome r : outcomes) {
            out.append(String.format("%s #%d: %s: %s; %d acked, lost %d, duplicated %d, mismatches %d, recovery %s, "
                            + "max write pause %s%n", r.scenario(), r.run(), r.fault(), r.passed() ? "PASS" : "FAIL",
                    r.acked(), r.lost(), r.duplicated(), r.mismatches(),
                    r.recoveryMillis() < 0 ? "n/a" : seconds(r.recoveryMillis()), seconds(r.maxWritePauseMillis())));
            r.problems().forEach(p -> out.append("    ").append(p).append('\n'));
        }
        return out.toString();
    }

    private static String rpo(List<RunOutcome> runs) {
        long max = runs.stream().mapToLong(RunOutcome::rpoRows).max().orElse(-1);
        return max < 0 ? "n/a" : max + " (max)";
    }

    private static String seconds(long millis) {
        return String.format("%.1f s", millis / 1000.0);
    }
}
