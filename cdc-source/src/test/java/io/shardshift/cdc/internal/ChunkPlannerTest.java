package io.shardshift.cdc.internal;

import io.shardshift.cdc.SnapshotChunk;
import io.shardshift.core.event.TableId;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkPlannerTest {
    private static final TableId T = new TableId("public", "t");

    @Test
    void shouldCoverAllBlocksWithContiguousChunksAndOpenLastChunk() {
        List<SnapshotChunk> chunks = ChunkPlanner.plan(T, 1000, 100_000, 1000, 10_000);

        assertThat(chunks).hasSize(10);
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(chunks.get(i).index()).isEqualTo(i);
            assertThat(chunks.get(i).fromBlock()).isEqualTo(i * 100L);
            if (i > 0) {
                assertThat(chunks.get(i).fromBlock()).isEqualTo(chunks.get(i - 1).toBlock());
            }
        }
        assertThat(chunks.get(9).openEnded()).isTrue();
        assertThat(chunks.get(9).ctidFilter()).isEqualTo("ctid >= '(900,0)'::tid");
        assertThat(chunks.get(0).ctidFilter()).isEqualTo("ctid >= '(0,0)'::tid AND ctid < '(100,0)'::tid");
    }

    @Test
    void shouldReadEmptyTableInOneOpenChunk() {
        assertThat(ChunkPlanner.plan(T, 0, -1, 0, 50_000))
                .containsExactly(new SnapshotChunk(T, 0, 0, -1));
    }

    @Test
    void shouldAssumeDefaultDensityWhenNeverAnalyzed() {
        List<SnapshotChunk> chunks = ChunkPlanner.plan(T, 100, -1, 0, 600);

        assertThat(chunks).hasSize(10);
        assertThat(chunks.get(0).toBlock()).isEqualTo(10);
    }

    @Test
    void shouldUseAtLeastOneBlockPerChunk() {
        List<SnapshotChunk> chunks = ChunkPlanner.plan(T, 3, 3000, 3, 1);

        assertThat(chunks).extracting(SnapshotChunk::fromBlock).containsExactly(0L, 1L, 2L);
    }
}
