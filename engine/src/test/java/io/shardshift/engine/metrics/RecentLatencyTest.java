package io.shardshift.engine.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecentLatencyTest {

    @Test
    void shouldGiveTheP99OfRecentLatenciesPerTarget() {
        RecentLatency recent = new RecentLatency();
        for (int i = 1; i <= 100; i++) {
            recent.latency("pg_a", i);
        }
        recent.latency("pg_b", 5000);

        assertThat(recent.p99Millis("pg_a")).isBetween(90L, 110L);
        assertThat(recent.p99Millis("pg_b")).isBetween(4500L, 5500L);
        assertThat(recent.p99Millis("pg_c")).isZero();
    }
}
