package io.shardshift.client;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HandOffRuleTest {

    private static StreamFlip flip(long gen, int from, int to, long... fence) {
        Map<Integer, Long> f = new HashMap<>();
        for (int p = 0; p < fence.length; p++) {
            f.put(p, fence[p]);
        }
        return new StreamFlip(gen, from, to, f);
    }

    @Test
    void shouldNameSourcesOfAnExpansionAndOfARollback() {
        assertThat(flip(2, 4, 8).sources(6)).containsExactly(2);
        assertThat(flip(2, 4, 12).sources(9)).containsExactly(1);
        assertThat(flip(3, 8, 4).sources(1)).containsExactly(1, 5);
        assertThat(flip(4, 4, 12).sources(0)).containsExactly(0);
    }

    @Test
    void shouldHoldANewPartitionUntilItsOldPartitionPassesTheFence() {
        HandOffRule rule = new HandOffRule(List.of(flip(2, 2, 4, 100, 50)));
        Map<Integer, Long> progress = new HashMap<>(Map.of(0, 90L, 1, 50L));
        assertThat(rule.released(2, 0, p -> progress.get(p))).isFalse();
        assertThat(rule.blockers(2, 0, p -> progress.get(p))).containsExactly("0<100");
        assertThat(rule.released(3, 0, p -> progress.get(p))).isTrue();
        progress.put(0, 100L);
        assertThat(rule.released(2, 0, p -> progress.get(p))).isTrue();
    }

    @Test
    void shouldLetRecordsBeforeTheFenceAndOnOldPartitionsGoAtOnce() {
        HandOffRule rule = new HandOffRule(List.of(flip(2, 2, 4, 100, 50)));
        assertThat(rule.released(0, 99, p -> 0)).isTrue();
        assertThat(rule.released(0, 150, p -> 0)).isTrue();
    }

    @Test
    void shouldHoldAnOldPartitionAfterARollbackUntilEveryNewPartitionOfItsKeysPassesTheFence() {
        HandOffRule rule = new HandOffRule(List.of(flip(2, 2, 4, 100, 50), flip(3, 4, 2, 130, 70, 20, 10)));
        Map<Integer, Long> progress = new HashMap<>(Map.of(0, 130L, 1, 70L, 2, 19L, 3, 10L));
        assertThat(rule.released(0, 130, p -> progress.get(p))).isFalse();
        assertThat(rule.released(1, 70, p -> progress.get(p))).isTrue();
        progress.put(2, 20L);
        assertThat(rule.released(0, 130, p -> progress.get(p))).isTrue();
    }

    @Test
    void shouldFollowAKeyThatSkippedAGenerationOnItsIntermediatePartition() {
        // 2 -> 4 (partition 2 gets 30 records), rollback 4 -> 2 (partition 0 gets none after it), then 2 -> 6.
        HandOffRule rule = new HandOffRule(List.of(
                flip(2, 2, 4, 100, 50, 0, 0),
                flip(3, 4, 2, 100, 50, 30, 0),
                flip(4, 2, 6, 100, 90, 30, 0, 0, 0)));
        // partition 4 inherits from 0, which is past its fence; but 0's keys of the rollback came from 2.
        Map<Integer, Long> progress = new HashMap<>(Map.of(0, 100L, 1, 90L, 2, 10L, 3, 0L, 4, 0L, 5, 0L));
        assertThat(rule.released(4, 0, p -> progress.get(p))).isFalse();
        progress.put(2, 30L);
        assertThat(rule.released(4, 0, p -> progress.get(p))).isTrue();
    }

    @Test
    void shouldReleaseEverythingWithoutAFlip() {
        assertThat(new HandOffRule(List.of()).released(7, 0, p -> 0)).isTrue();
    }
}
