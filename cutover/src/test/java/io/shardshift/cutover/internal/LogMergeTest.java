package io.shardshift.cutover.internal;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link LogMerge}: the one order in which the targets' logged writes reach the source. */
class LogMergeTest {

    private static LogApplier.Entry entry(String target, long seq, long loggedAt, String op, String note) {
        return new LogApplier.Entry(target, seq, loggedAt, "public.moves", op, "{\"id\":1,\"note\":\"" + note + "\"}");
    }

    private static List<String> order(Map<String, List<LogApplier.Entry>> logs, long cutoff) {
        return LogMerge.merge(logs, cutoff).stream().map(e -> e.target() + e.seq()).toList();
    }

    @Test
    void shouldApplyARowMovedAToBToAInTheOrderTheApplicationWroteIt() {
        Map<String, List<LogApplier.Entry>> logs = new LinkedHashMap<>();
        logs.put("pg_a", List.of(entry("pg_a", 1, 10, "DELETE", "v0"), entry("pg_a", 2, 40, "INSERT", "v2")));
        logs.put("pg_b", List.of(entry("pg_b", 1, 20, "INSERT", "v1"), entry("pg_b", 2, 30, "DELETE", "v1")));

        List<LogApplier.Entry> merged = LogMerge.merge(logs, Long.MAX_VALUE);

        assertThat(merged).extracting(e -> e.target() + e.seq()).containsExactly("pg_a1", "pg_b1", "pg_b2", "pg_a2");
        assertThat(merged.get(merged.size() - 1).json()).contains("v2");
    }

    @Test
    void shouldKeepEachTargetsLogOrderEvenWhenItsClockWentBack() {
        Map<String, List<LogApplier.Entry>> logs = new LinkedHashMap<>();
        logs.put("pg_a", List.of(entry("pg_a", 1, 50, "UPDATE", "a1"), entry("pg_a", 2, 40, "UPDATE", "a2")));
        logs.put("pg_b", List.of(entry("pg_b", 1, 45, "UPDATE", "b1")));

        assertThat(order(logs, Long.MAX_VALUE)).containsExactly("pg_b1", "pg_a1", "pg_a2");
    }

    @Test
    void shouldTakeNothingLoggedAfterTheCutoffNorAnythingAfterItInTheSameLog() {
        Map<String, List<LogApplier.Entry>> logs = new LinkedHashMap<>();
        logs.put("pg_a", List.of(entry("pg_a", 1, 10, "UPDATE", "a1"), entry("pg_a", 2, 30, "UPDATE", "a2"),
                entry("pg_a", 3, 15, "UPDATE", "a3")));
        logs.put("pg_b", List.of(entry("pg_b", 7, 20, "UPDATE", "b7"), entry("pg_b", 8, 21, "UPDATE", "b8")));

        assertThat(order(logs, 20)).containsExactly("pg_a1", "pg_b7");
    }

    @Test
    void shouldBreakTiesByTargetNameThenSeq() {
        Map<String, List<LogApplier.Entry>> logs = new LinkedHashMap<>();
        logs.put("pg_b", List.of(entry("pg_b", 1, 10, "UPDATE", "b1")));
        logs.put("pg_a", List.of(entry("pg_a", 4, 10, "UPDATE", "a4"), entry("pg_a", 5, 10, "UPDATE", "a5")));

        assertThat(order(logs, Long.MAX_VALUE)).containsExactly("pg_a4", "pg_a5", "pg_b1");
    }

    @Test
    void shouldGiveNothingForEmptyLogs() {
        assertThat(LogMerge.merge(Map.of("pg_a", List.of(), "pg_b", List.of()), Long.MAX_VALUE)).isEmpty();
    }
}
