package io.shardshift.sink.pg.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    @Test
    void shouldDoubleDelayUpToTheCap() {
        Backoff b = new Backoff(100, 1000);
        assertThat(b.delayMillis(1)).isEqualTo(100);
        assertThat(b.delayMillis(2)).isEqualTo(200);
        assertThat(b.delayMillis(4)).isEqualTo(800);
        assertThat(b.delayMillis(5)).isEqualTo(1000);
        assertThat(b.delayMillis(60)).isEqualTo(1000);
    }
}
