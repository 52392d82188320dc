package io.shardshift.cutover;

import io.shardshift.engine.lag.LagSnapshot;
import io.shardshift.engine.run.MigrationRunner;

/** What {@link CutoverController#forRunner} reads from a running migration: its apply lag and its dead letters. */
final class RunnerSignals {
    private RunnerSignals() {
    }

    /** The apply lag now of the target furthest behind, in milliseconds. */
    static long lagMillis(MigrationRunner runner) {
        try {
            LagSnapshot s = runner.lag().snapshot();
            return s.targets().keySet().stream().mapToLong(s::lagMillis).max().orElse(0);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read lag: " + e.getMessage(), e);
        }
    }

    /**
     * The no-dead-letters gate: the records on the dead-letter topic (so letters published before a restart count),
     * or those this run published if more.
     */
    static Gate noDeadLetters(MigrationRunner runner, DeadLetterCount onTopic) {
        return Gates.noDeadLetters(() -> Math.max(runner.deadLetters(), onTopic.getAsLong()));
    }
}
