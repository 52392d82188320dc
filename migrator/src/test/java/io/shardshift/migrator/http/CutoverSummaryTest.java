package io.shardshift.migrator.http;

import io.shardshift.cutover.CutoverController.ObservationStatus;
import io.shardshift.cutover.CutoverResult;
import io.shardshift.cutover.SwitchKind;
import io.shardshift.cutover.SwitchStep;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The words the dashboard's header shows after a cutover or rollback. */
class CutoverSummaryTest {
    private static final Instant END = Instant.parse("2026-12-07T03:10:00Z");

    private static Optional<CutoverResult> completed(SwitchKind kind, long from, long to) {
        return Optional.of(new CutoverResult("x-1", kind, CutoverResult.Outcome.COMPLETED, from, to, 1, 10, null, null, List.of()));
    }

    @Test
    void shouldSayCutOverWithTheWindowsEndWhileTheObservationWindowIsOpen() {
        assertThat(CutoverRoutes.summary(completed(SwitchKind.CUTOVER, 1, 2), 2, new ObservationStatus(true, END, 0, null)))
                .isEqualTo("cut over to generation 2, observation window until 2026-12-07T03:10:00Z");
    }

    @Test
    void shouldSayTheWindowClosedOnceItHas() {
        assertThat(CutoverRoutes.summary(completed(SwitchKind.CUTOVER, 1, 2), 2, new ObservationStatus(false, END, 0, null)))
                .isEqualTo("cut over to generation 2, observation window closed at 2026-12-07T03:10:00Z");
    }

    @Test
    void shouldSayRolledBackAfterARollback() {
        assertThat(CutoverRoutes.summary(completed(SwitchKind.ROLLBACK, 2, 1), 1, new ObservationStatus(false, END, 0, null)))
                .isEqualTo("rolled back to generation 1");
    }

    @Test
    void shouldSayNothingBeforeAnySwitchOrAfterAnAbortedOne() {
        ObservationStatus none = new ObservationStatus(false, null, 0, null);
        assertThat(CutoverRoutes.summary(Optional.empty(), 1, none)).isNull();
        assertThat(CutoverRoutes.summary(Optional.of(new CutoverResult("x-1", SwitchKind.CUTOVER,
                CutoverResult.Outcome.ABORTED, 1, 2, 1, 10, SwitchStep.DRAIN, "timeout", List.of())), 1, none)).isNull();
    }

    @Test
    void shouldSayCutOverWhenAControllerStartedAgainFindsTheWindowOpen() {
        assertThat(CutoverRoutes.summary(Optional.empty(), 2, new ObservationStatus(true, END, 0, null)))
                .isEqualTo("cut over to generation 2, observation window until 2026-12-07T03:10:00Z");
    }
}
