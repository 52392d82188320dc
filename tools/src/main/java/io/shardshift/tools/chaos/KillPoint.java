package io.shardshift.tools.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Where the kill scenario kills the migrator: at a seeded random moment of the backfill or of streaming, or right
 * after a step of the cutover or the rollback (through the migrator's step hook, {@code shardshift.test.afterStep}).
 *
 * @param phase {@code backfill}, {@code streaming}, {@code cutover} or {@code rollback}
 * @param step  the step after which the process halts ({@code null} for backfill and streaming)
 */
record KillPoint(String phase, String step) {
    /** Every point: 2 random moments, 6 cutover steps, 6 rollback steps. */
    static final List<KillPoint> ALL = List.of(
            new KillPoint("backfill", null), new KillPoint("streaming", null),
            new KillPoint("cutover", "gates"), new KillPoint("cutover", "freeze"), new KillPoint("cutover", "fence"),
            new KillPoint("cutover", "flip"), new KillPoint("cutover", "alias"), new KillPoint("cutover", "release"),
            new KillPoint("rollback", "freeze"), new KillPoint("rollback", "fence"),
            new KillPoint("rollback", "copy-back"), new KillPoint("rollback", "release"),
            new KillPoint("rollback", "flip"), new KillPoint("rollback", "alias"));

    /** {@code runs} points: every point once per round, each round in a seeded order. */
    static List<KillPoint> plan(int runs, Random random) {
        List<KillPoint> plan = new ArrayList<>();
        while (plan.size() < runs) {
            List<KillPoint> round = new ArrayList<>(ALL);
            Collections.shuffle(round, random);
            plan.addAll(round);
        }
        return plan.subList(0, runs);
    }

    /** The step hook's value, {@code <phase>:<step>}, or {@code null} for a random moment. */
    String hook() {
        return step == null ? null : phase + ":" + step;
    }

    boolean rollback() {
        return "rollback".equals(phase);
    }

    @Override
    public String toString() {
        return step == null ? "during " + phase : "after " + phase + ":" + step
                + ("alias".equals(step) && rollback() || "release".equals(step) && !rollback() ? " (before unfreeze)" : "");
    }
}
