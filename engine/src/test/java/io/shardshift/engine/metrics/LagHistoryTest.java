package io.shardshift.engine.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LagHistoryTest {

    @Test
    void shouldKeepTheNewestSamplesOldestFirstWhenFull() {
        LagHistory history = new LagHistory(3);
        for (long t = 1; t <= 5; t++) {
            history.add(Samples.at(t, t));
        }
        assertThat(history.size()).isEqualTo(3);
        assertThat(history.since(0)).extracting(LagSample::takenAtMillis).containsExactly(3L, 4L, 5L);
    }

    @Test
    void shouldReturnOnlySamplesTakenAfterTheGivenTime() {
        LagHistory history = new LagHistory(10);
        for (long t = 1; t <= 4; t++) {
            history.add(Samples.at(t * 1000, 0));
        }
        assertThat(history.since(2000)).extracting(LagSample::takenAtMillis).containsExactly(3000L, 4000L);
        assertThat(history.since(4000)).isEmpty();
    }

    @Test
    void shouldRefuseACapacityBelowOne() {
        assertThatThrownBy(() -> new LagHistory(0)).hasMessageContaining("capacity");
    }
}
