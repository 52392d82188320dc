package io.shardshift.engine.run;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstanceTableTest {
    private static InstanceInfo beat(String id, long at, String... partitions) {
        return new InstanceInfo(id, List.of("apply"), "host-" + id, 42, null, 1_000, at,
                Map.of(InstanceInfo.APPLY_PARTITIONS, List.of(partitions)));
    }

    @Test
    void shouldKeepEveryFieldThroughItsJson() {
        InstanceInfo info = new InstanceInfo("a-1", List.of("capture", "apply"), "host-a", 4242, "http://h:8080", 1_000,
                2_000, Map.of(InstanceInfo.APPLY_PARTITIONS, List.of("x.apply/t-1", "x.apply/t-0"), "captureGroups", List.of("g1")),
                Map.of(InstanceInfo.EVENTS_APPLIED, 1234L));

        InstanceInfo read = InstanceInfo.fromJson(info.toJson());

        assertThat(read).isEqualTo(info);
        assertThat(read.holds().get(InstanceInfo.APPLY_PARTITIONS)).containsExactly("x.apply/t-0", "x.apply/t-1");
        assertThat(read.holding("captureGroups")).isEqualTo(1);
        assertThat(read.figures()).containsEntry(InstanceInfo.EVENTS_APPLIED, 1234L);
        assertThat(read.describe(2_000)).isEqualTo("instance a-1 live, roles capture,apply, host host-a pid 4242, "
                + "http://h:8080, holds 2 applyPartitions 1 captureGroups, applied 1234 events, last seen 0.0 s ago");
    }

    @Test
    void shouldShowAnInstanceSilentForMoreThanTenSecondsAsLostThenDropIt() {
        InstanceTable table = new InstanceTable();
        table.apply("a", beat("a", 1, "t-0").toJson(), 100_000);
        table.apply("b", beat("b", 1, "t-1").toJson(), 100_000);
        table.apply("a", beat("a", 2, "t-0", "t-1").toJson(), 130_000);

        List<InstanceInfo> at = table.list(130_000);
        assertThat(at).extracting(InstanceInfo::id).containsExactly("a", "b");
        assertThat(at.get(0).state(130_000)).isEqualTo(InstanceInfo.LIVE);
        assertThat(at.get(1).state(130_000)).isEqualTo(InstanceInfo.LOST);
        assertThat(at.get(1).state(110_000)).isEqualTo(InstanceInfo.LIVE);

        assertThat(table.list(100_000 + InstanceInfo.DROPPED_AFTER.toMillis() + 1)).extracting(InstanceInfo::id)
                .containsExactly("a");
    }

    @Test
    void shouldJudgeSilenceByTheReadersClockNotThePublishers() {
        InstanceTable table = new InstanceTable();
        table.apply("a", beat("a", 5_000 - 3_600_000, "t-0").toJson(), 5_000);

        assertThat(table.list(6_000).get(0).state(6_000)).as("an hour behind, heard just now").isEqualTo(InstanceInfo.LIVE);
    }

    @Test
    void shouldReportAnInstanceLostOnceUntilItIsHeardAgain() {
        InstanceTable table = new InstanceTable();
        table.apply("a", beat("a", 1, "t-0").toJson(), 1_000);
        assertThat(table.newlyLost(5_000)).isEmpty();
        assertThat(table.newlyLost(12_000)).extracting(InstanceInfo::id).containsExactly("a");
        assertThat(table.newlyLost(13_000)).isEmpty();

        table.apply("a", beat("a", 2, "t-0").toJson(), 20_000);
        assertThat(table.newlyLost(31_000)).extracting(InstanceInfo::id).containsExactly("a");
    }

    @Test
    void shouldForgetAnInstanceOnItsTombstone() {
        InstanceTable table = new InstanceTable();
        table.apply("a", beat("a", 5_000, "t-0").toJson(), 5_000);
        assertThat(table.list(5_000).get(0).holding(InstanceInfo.APPLY_PARTITIONS)).isEqualTo(1);

        table.apply("a", null, 5_000);

        assertThat(table.list(5_000)).isEmpty();
    }

    @Test
    void shouldRefuseAHeartbeatWithoutAnId() {
        assertThatThrownBy(() -> InstanceInfo.fromJson("{\"lastSeen\":1}")).hasMessageContaining("no id");
        assertThatThrownBy(() -> InstanceInfo.fromJson("not json")).hasMessageContaining("not JSON");
    }
}
