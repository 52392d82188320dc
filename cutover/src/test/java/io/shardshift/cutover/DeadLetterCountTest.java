package io.shardshift.cutover;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link DeadLetterCount} counts what is on the topic, whoever published it. */
class DeadLetterCountTest {
    private static final TopicPartition P0 = new TopicPartition("dlq", 0);
    private static final TopicPartition P1 = new TopicPartition("dlq", 1);

    @Test
    void shouldCountEveryRecordBetweenStartAndEndOffsets() {
        assertThat(DeadLetterCount.records(Map.of(P0, 0L, P1, 4L), Map.of(P0, 3L, P1, 4L))).isEqualTo(3);
    }

    @Test
    void shouldCountNothingOnceTheLettersWereDeleted() {
        assertThat(DeadLetterCount.records(Map.of(P0, 3L), Map.of(P0, 3L))).isZero();
    }

    @Test
    void shouldBlockCutoverWithLettersOnTheTopicThatThisProcessNeverPublished() throws Exception {
        long publishedByThisProcess = 0;
        long onTopic = DeadLetterCount.records(Map.of(P0, 0L), Map.of(P0, 2L));

        Gate.GateResult r = Gates.noDeadLetters(() -> Math.max(publishedByThisProcess, onTopic)).check();

        assertThat(r.passed()).isFalse();
        assertThat(r.detail()).isEqualTo("2 dead-letter records");
    }
}
