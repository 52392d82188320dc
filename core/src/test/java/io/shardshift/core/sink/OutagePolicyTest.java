package io.shardshift.core.sink;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutagePolicyTest {

    @Test
    void shouldDoubleThePauseUpToTheCap() {
        OutagePolicy p = OutagePolicy.of(Duration.ofMinutes(30), Duration.ofSeconds(5));

        assertThat(p.delayMillis(1)).isEqualTo(250);
        assertThat(p.delayMillis(2)).isEqualTo(500);
        assertThat(p.delayMillis(5)).isEqualTo(4000);
        assertThat(p.delayMillis(6)).isEqualTo(5000);
        assertThat(p.delayMillis(1000)).isEqualTo(5000);
    }

    @Test
    void shouldGiveUpOnlyOnceTheOutageOutlastsTheGiveUp() {
        OutagePolicy p = OutagePolicy.of(Duration.ofSeconds(30), Duration.ofSeconds(5));

        assertThat(p.givesUp(0)).isFalse();
        assertThat(p.givesUp(30_000)).isFalse();
        assertThat(p.givesUp(30_001)).isTrue();
    }

    @Test
    void shouldStartWithTheCapWhenTheCapIsBelowTheUsualFirstPause() {
        assertThat(OutagePolicy.of(Duration.ofSeconds(1), Duration.ofMillis(100)).delayMillis(1)).isEqualTo(100);
    }

    @Test
    void shouldRefuseAPolicyThatCannotWork() {
        assertThatThrownBy(() -> new OutagePolicy(Duration.ofSeconds(-1), Duration.ofMillis(1), Duration.ofMillis(1)))
                .hasMessageContaining("giveUp");
        assertThatThrownBy(() -> new OutagePolicy(Duration.ofSeconds(1), Duration.ZERO, Duration.ofMillis(1)))
                .hasMessageContaining("initial");
    }
}
