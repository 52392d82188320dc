package io.shardshift.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamRouteTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldRoundTripARouteWithItsFlips() {
        StreamRoute r = new StreamRoute("t", StreamRoute.OLD, 2, 4, 1, false, List.of())
                .withFrozen(true).flip(StreamRoute.NEW, 2, 4, Map.of(0, 10L, 1, 5L)).withFrozen(false);
        StreamRoute back = StreamRoute.parse(JSON.valueToTree(r.toJson()));
        assertThat(back).isEqualTo(r);
        assertThat(back.livePartitions()).isEqualTo(4);
        assertThat(back.generation()).isEqualTo(2);
        assertThat(back.fence()).containsEntry(0, 10L).containsEntry(1, 5L);
        assertThat(r.toJson()).containsEntry("partitions", 4);
    }

    @Test
    void shouldReadTheFirstFormatAsOneCountWithoutFlips() throws Exception {
        StreamRoute r = StreamRoute.parse(JSON.readTree("{\"topic\":\"orders-events\",\"partitions\":24,\"generation\":2}"));
        assertThat(r.livePartitions()).isEqualTo(24);
        assertThat(r.frozen()).isFalse();
        assertThat(r.flips()).isEmpty();
    }

    @Test
    void shouldNameTheFieldOfABadRecord() throws Exception {
        assertThatThrownBy(() -> StreamRoute.parse(JSON.readTree("{\"topic\":\"t\",\"route\":\"new\",\"oldPartitions\":2}")))
                .hasMessageContaining("newPartitions");
        assertThatThrownBy(() -> StreamRoute.parse(JSON.readTree(
                "{\"topic\":\"t\",\"route\":\"sideways\",\"oldPartitions\":2,\"newPartitions\":4}")))
                .hasMessageContaining("route");
    }

    @Test
    void shouldPartitionAsKafkasDefaultPartitionerOverTheLiveCount() {
        byte[] key = "key-42".getBytes(StandardCharsets.UTF_8);
        StreamRoute old = new StreamRoute("t", StreamRoute.OLD, 3, 9, 1, false, List.of());
        assertThat(old.partitionFor(key)).isEqualTo(Utils.toPositive(Utils.murmur2(key)) % 3);
        int p3 = old.partitionFor(key);
        int p9 = StreamRoute.partitionFor(key, 9);
        assertThat(p9 % 3).isEqualTo(p3);
        assertThat(new StreamFlip(2, 3, 9, Map.of()).sources(p9)).containsExactly(p3);
    }
}
