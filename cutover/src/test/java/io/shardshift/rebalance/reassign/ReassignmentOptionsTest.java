package io.shardshift.rebalance.reassign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReassignmentOptionsTest {

    @Test
    void shouldNameEveryBadOptionAtOnce() {
        assertThatThrownBy(() -> new ReassignmentOptions(10, Duration.ZERO, Duration.ofMillis(-1), Duration.ZERO, -2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("throttleBytesPerSecond: must be at least 1024, was 10")
                .hasMessageContaining("timeout: must be positive, was PT0S")
                .hasMessageContaining("pollInterval: must be positive")
                .hasMessageContaining("requestTimeout: must be positive")
                .hasMessageContaining("maxPartitionsPerBatch: must be 0 (all) or more, was -2");
    }

    @Test
    void shouldChangeOneSettingAtATime() {
        ReassignmentOptions o = ReassignmentOptions.DEFAULTS.withThrottle(2048).withTimeout(Duration.ofMinutes(1))
                .withMaxPartitionsPerBatch(3);

        assertThat(o.throttleBytesPerSecond()).isEqualTo(2048);
        assertThat(o.timeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.maxPartitionsPerBatch()).isEqualTo(3);
        assertThat(o.pollInterval()).isEqualTo(ReassignmentOptions.DEFAULTS.pollInterval());
        assertThat(o.requestTimeout()).isEqualTo(ReassignmentOptions.DEFAULTS.requestTimeout());
    }
}
