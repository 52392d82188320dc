package io.shardshift.core.event;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SourcePositionTest {

    @Test
    void shouldNeverLetSnapshotRowSupersedeAnything() {
        SourcePosition snapshot = SourcePosition.snapshotAt(1_000_000L, 0);
        assertThat(snapshot.supersedes(0)).isFalse();
        assertThat(snapshot.supersedes(5)).isFalse();
        assertThat(snapshot.fence()).isEqualTo(SourcePosition.SNAPSHOT_FENCE);
    }

    @Test
    void shouldLetStreamedChangeSupersedeOlderAndSnapshotState() {
        SourcePosition change = SourcePosition.streamed(500, 1, 0);
        assertThat(change.supersedes(SourcePosition.SNAPSHOT_FENCE)).isTrue();
        assertThat(change.supersedes(499)).isTrue();
        assertThat(change.supersedes(500)).as("a replay of the same change").isFalse();
        assertThat(change.supersedes(501)).isFalse();
    }

    @Test
    void shouldOrderStreamedChangeAfterSnapshotEvenWithLowerLsn() {
        // A transaction that wrote before the snapshot point but committed after it.
        SourcePosition lateCommit = SourcePosition.streamed(90, 1, 0);
        SourcePosition snapshot = SourcePosition.snapshotAt(150, 0);
        assertThat(lateCommit).isGreaterThan(snapshot);
    }

    @Test
    void shouldFormatAndParseLsnLikePostgres() {
        assertThat(Lsn.format(0x16B3748L)).isEqualTo("0/16B3748");
        assertThat(Lsn.parse("1/0")).isEqualTo(1L << 32);
        assertThat(Lsn.parse(Lsn.format(0x12345678_9ABCDEF0L))).isEqualTo(0x12345678_9ABCDEF0L);
    }
}
