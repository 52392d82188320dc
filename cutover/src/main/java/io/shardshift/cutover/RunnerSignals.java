package io.shardshift.cutover;

import io.shardshift.engine.lag.LagSnapshot;
import io.shardshift.engine.run.MigrationRunner;

/** What {@link CutoverController#forRunner} reads from a running migration: its apply lag and its dead letters. */
final class RunnerSignals {
    private RunnerSignals() {
    }

    /**
     * The apply lag now of the target furthest behind, in milliseconds. When the apply runs in other processes too,
     * this process's own figures cover only its partitions, so the lag is then how long the oldest change no
     * process has applied has waited on the change topics.
     */
    static long lagMillis(MigrationRunner runner) {
        try {
            if (runner.applyShared()) {
                return runner.oldestWaitingMillis();
            }
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
