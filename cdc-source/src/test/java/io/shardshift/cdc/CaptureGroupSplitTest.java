package io.shardshift.cdc;

import io.shardshift.core.event.TableId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CaptureGroupSplitTest {
    private static final TableId A = TableId.parse("public.a");
    private static final TableId B = TableId.parse("public.b");
    private static final TableId C = TableId.parse("public.c");
    private static final TableId D = TableId.parse("public.d");
    private static final TableId ODD = TableId.parse("public.\"Order Items\"");

    @Test
    void shouldPutTheLargestTablesInDifferentGroupsAndBalanceTheBytes() {
        CaptureGroupSplit split = CaptureGroupSplit.plan(2, List.of(A, B, C, D),
                Map.of(A, 100L, B, 60L, C, 50L, D, 10L));

        assertThat(split.tables(0)).containsExactlyInAnyOrder(A, D);
        assertThat(split.tables(1)).containsExactlyInAnyOrder(B, C);
    }

    @Test
    void shouldSplitTheSameWayWhateverTheOrderTheTablesAreGivenIn() {
        Map<TableId, Long> sizes = Map.of(A, 5L, B, 5L, C, 5L, D, 5L);

        CaptureGroupSplit one = CaptureGroupSplit.plan(3, List.of(A, B, C, D), sizes);
        CaptureGroupSplit other = CaptureGroupSplit.plan(3, List.of(D, C, B, A), sizes);

        assertThat(one.groupOf()).isEqualTo(other.groupOf());
    }

    @Test
    void shouldGiveEveryGroupATableEvenWhenTheSizesAreZero() {
        CaptureGroupSplit split = CaptureGroupSplit.plan(3, List.of(A, B, C), Map.of());

        assertThat(List.of(split.tables(0), split.tables(1), split.tables(2))).allSatisfy(t -> assertThat(t).hasSize(1));
    }

    @Test
    void shouldKeepRecordedTablesInTheirGroupAndPutNewOnesInTheLightestGroup() {
        CaptureGroupSplit recorded = new CaptureGroupSplit(2, Map.of(A, 1, B, 0));

        CaptureGroupSplit extended = recorded.extend(List.of(A, B, C), Map.of(A, 1000L, B, 1L, C, 500L));

        assertThat(extended.groupOf()).containsEntry(A, 1).containsEntry(B, 0).containsEntry(C, 0);
    }

    @Test
    void shouldLeaveOutTablesNoLongerGiven() {
        CaptureGroupSplit recorded = new CaptureGroupSplit(2, Map.of(A, 1, B, 0, C, 1));

        assertThat(recorded.extend(List.of(A, B), Map.of()).groupOf()).containsOnlyKeys(A, B);
    }

    @Test
    void shouldReadBackWhatItWrites() {
        CaptureGroupSplit split = new CaptureGroupSplit(2, Map.of(A, 0, ODD, 1));

        assertThat(CaptureGroupSplit.fromJson(split.toJson()).groupOf()).isEqualTo(split.groupOf());
        assertThat(split.toJson()).isEqualTo("{\"groups\":2,\"tables\":{\"public.\\\"Order Items\\\"\":1,\"public.a\":0}}");
    }

    @Test
    void shouldRefuseMoreGroupsThanTablesAndGroupsOutOfRange() {
        assertThatThrownBy(() -> CaptureGroupSplit.plan(3, List.of(A, B), Map.of()))
                .hasMessage("capture.groups is 3 but there are only 2 table(s) to capture");
        assertThatThrownBy(() -> new CaptureGroupSplit(2, Map.of(A, 2)))
                .hasMessage("table public.a is in capture group 2 of 2");
        assertThatThrownBy(() -> CaptureGroupSplit.fromJson("{\"groups\":\"x\"}")).isInstanceOf(IllegalArgumentException.class);
    }
}
