package io.shardshift.cutover;

import io.shardshift.core.spec.CutoverSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cutover options from the spec's {@code cutover} section. */
class CutoverOptionsTest {

    @Test
    void shouldTakeEveryBoundFromTheSpec() {
        CutoverSpec spec = new CutoverSpec(true, 250L, "2s", "30s", "750ms", "3s", "5m", false, null);

        CutoverOptions options = CutoverOptions.from(spec);

        assertThat(options.maxLagMillis()).isEqualTo(250);
        assertThat(options.stableFor()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.gateTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.freezeTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(options.drainTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(options.observationWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(options.gates()).isEmpty();
    }

    @Test
    void shouldUseTheSpecDefaultsWhenTheSectionIsEmpty() {
        CutoverOptions options = CutoverOptions.defaults();

        assertThat(options.maxLagMillis()).isEqualTo(1000);
        assertThat(options.stableFor()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.gateTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.freezeTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.observationWindow()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void shouldRejectANegativeObservationWindowNamingTheField() {
        assertThatThrownBy(() -> CutoverOptions.defaults().withObservationWindow(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cutover.observationWindow");
    }

    @Test
    void shouldNameTheWorstTargetInTheSloGateDetail() throws Exception {
        Gate gate = Gates.slo(() -> new Gates.SloSample(12.5, 0.0, "pg_b"), 10, 0.01);

        Gate.GateResult r = gate.check();

        assertThat(r.passed()).isFalse();
        assertThat(r.detail()).contains("worst p95 on pg_b", "12.500 ms");
    }
}
