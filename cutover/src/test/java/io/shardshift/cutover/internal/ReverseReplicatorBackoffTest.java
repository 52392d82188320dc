package io.shardshift.cutover.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How long {@link ReverseReplicator} waits before it tries again, and how it words a database error in its status. */
class ReverseReplicatorBackoffTest {

    @Test
    void shouldDoubleTheWaitPerFailureUpToTenSeconds() {
        assertThat(ReverseReplicator.backoff(1)).isEqualTo(200);
        assertThat(ReverseReplicator.backoff(2)).isEqualTo(400);
        assertThat(ReverseReplicator.backoff(6)).isEqualTo(6400);
        assertThat(ReverseReplicator.backoff(7)).isEqualTo(10_000);
        assertThat(ReverseReplicator.backoff(1_000)).isEqualTo(10_000);
    }

    @Test
    void shouldPutAPostgresErrorWithItsDetailOnOneLine() {
        assertThat(ReverseReplicator.oneLine("ERROR: new row violates check constraint \"c\"\n  Detail: Failing row contains (7).\n"))
                .isEqualTo("ERROR: new row violates check constraint \"c\"; Detail: Failing row contains (7).");
    }
}
