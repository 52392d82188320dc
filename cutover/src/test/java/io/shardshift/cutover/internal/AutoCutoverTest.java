package io.shardshift.cutover.internal;

import io.shardshift.cutover.CutoverResult;
import io.shardshift.cutover.SwitchKind;
import io.shardshift.cutover.SwitchStep;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The retries of {@link AutoCutover}: backoff doubling to a cap, every attempt reported. */
class AutoCutoverTest {

    @Test
    void shouldDoubleThePauseAfterEachAbortUpToTheCap() {
        Duration first = Duration.ofSeconds(5);
        Duration cap = Duration.ofMinutes(1);

        assertThat(List.of(1, 2, 3, 4, 5, 6, 50).stream().map(n -> AutoCutover.pauseAfter(n, first, cap)).toList())
                .containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20),
                        Duration.ofSeconds(40), cap, cap, cap);
    }

    @Test
    void shouldReportEveryAttemptWithItsBackoffAndStopOnceCompleted() {
        List<String> attempts = new CopyOnWriteArrayList<>();
        int[] calls = {0};
        AutoCutover auto = new AutoCutover("m", () -> true, () -> ++calls[0] < 4 ? aborted() : completed(), () -> 1, 2,
                Duration.ofMillis(10), Duration.ofMillis(20),
                (n, r, next) -> attempts.add(n + " " + r.outcome() + " " + next.toMillis()));
        try (auto) {
            auto.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> !auto.running());
        }

        assertThat(attempts).containsExactly("1 ABORTED 10", "2 ABORTED 20", "3 ABORTED 20", "4 COMPLETED 0");
    }

    private static CutoverResult aborted() {
        return new CutoverResult("c", SwitchKind.CUTOVER, CutoverResult.Outcome.ABORTED, 1, 2, 0, 0, SwitchStep.GATES,
                "lag", List.of());
    }

    private static CutoverResult completed() {
        return new CutoverResult("c", SwitchKind.CUTOVER, CutoverResult.Outcome.COMPLETED, 1, 2, 0, 0, null, null,
                List.of());
    }
}
