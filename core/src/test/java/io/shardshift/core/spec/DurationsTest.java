package io.shardshift.core.spec;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTest {

    @Test
    void shouldFormatInTheLargestWholeUnitAndParseItBack() {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(750), Duration.ofSeconds(5),
                Duration.ofSeconds(90), Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofMinutes(120)}) {
            assertThat(Durations.parse(Durations.format(d), "x", null)).isEqualTo(d);
        }
        assertThat(Durations.format(Duration.ofMinutes(30))).isEqualTo("30m");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }
}
