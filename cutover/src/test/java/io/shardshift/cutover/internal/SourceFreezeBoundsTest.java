package io.shardshift.cutover.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The database-side bounds of a {@link SourceFreeze}: a hung or killed migrator's freeze ends by itself. */
class SourceFreezeBoundsTest {

    @Test
    void shouldEndAnIdleFreezeShortlyAfterTheWholePauseBudget() {
        SourceFreeze.Bounds b = SourceFreeze.Bounds.forPause(Duration.ofSeconds(5), Duration.ofSeconds(20));

        assertThat(b.idleInTransaction()).isEqualTo(Duration.ofSeconds(55));
        assertThat(b.socketTimeout()).isEqualTo(Duration.ofSeconds(35));
        assertThat(b.sessionSettings()).containsExactly("SET idle_in_transaction_session_timeout = 55000",
                "SET tcp_keepalives_idle = 10", "SET tcp_keepalives_interval = 5", "SET tcp_keepalives_count = 3");
    }

    @Test
    void shouldSetNothingWithoutBounds() {
        assertThat(SourceFreeze.Bounds.NONE.sessionSettings()).isEmpty();
    }
}
