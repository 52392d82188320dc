package io.shardshift.core.spec;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CutoverSpecTest {

    @Test
    void shouldUseDefaultsWhenTheSectionIsAbsent() {
        MigrationSpec spec = SpecLoader.parse(SpecLoaderTest.VALID, SpecLoaderTest.ENV);
        CutoverSpec c = spec.cutoverOrDefaults();

        assertThat(c.autoOrDefault()).isFalse();
        assertThat(c.maxLagMillisOrDefault()).isEqualTo(1000);
        assertThat(c.stableForOrDefault()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.observationWindowOrDefault()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.slo()).isNull();
        assertThat(spec.tenantScoped()).isFalse();
        assertThat(spec.moves("anyone")).isTrue();
    }

    @Test
    void shouldLoadCutoverSettingsAndTenants() {
        MigrationSpec spec = SpecLoader.parse(SpecLoaderTest.VALID + """
                tenants: [big, "7"]
                cutover:
                  auto: true
                  stableFor: 750ms
                  drainTimeout: PT3S
                  observationWindow: 2h
                  slo: {maxP95Millis: 40, maxErrorRate: 0.05}
                """, SpecLoaderTest.ENV);

        assertThat(spec.tenants()).containsExactly("big", "7");
        assertThat(spec.moves("big")).isTrue();
        assertThat(spec.moves("small")).isFalse();
        assertThat(spec.moves(null)).isFalse();
        CutoverSpec c = spec.cutoverOrDefaults();
        assertThat(c.autoOrDefault()).isTrue();
        assertThat(c.stableForOrDefault()).isEqualTo(Duration.ofMillis(750));
        assertThat(c.drainTimeoutOrDefault()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.observationWindowOrDefault()).isEqualTo(Duration.ofHours(2));
        assertThat(c.slo().maxP95MillisOrDefault()).isEqualTo(40);
        assertThat(c.slo().samplesOrDefault()).isEqualTo(50);
    }

    @Test
    void shouldNameABadDuration() {
        assertThatThrownBy(() -> SpecLoader.parse(SpecLoaderTest.VALID + "cutover: {stableFor: soon}\n", SpecLoaderTest.ENV))
                .isInstanceOf(SpecException.class).hasMessageContaining("cutover.stableFor").hasMessageContaining("soon");
    }

    @Test
    void shouldNameABadErrorRate() {
        assertThatThrownBy(() -> SpecLoader.parse(SpecLoaderTest.VALID + "cutover: {slo: {maxErrorRate: 2}}\n", SpecLoaderTest.ENV))
                .isInstanceOf(SpecException.class).hasMessageContaining("cutover.slo.maxErrorRate");
    }

    @Test
    void shouldNameADuplicateTenant() {
        assertThatThrownBy(() -> SpecLoader.parse(SpecLoaderTest.VALID + "tenants: [a, a]\n", SpecLoaderTest.ENV))
                .isInstanceOf(SpecException.class).hasMessageContaining("tenants[1]");
    }
}
