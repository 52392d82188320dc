package io.shardshift.client.shadow;

import io.shardshift.client.shadow.Answers.SearchAnswer;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AnswersTest {

    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void shouldAgreeOnTheSameRowsInAnotherOrderAndNumberScale() {
        var old = Answers.canonicalRows(List.of(row("id", 1, "total", new BigDecimal("10.50")),
                row("id", 2, "total", null)), false);
        var neu = Answers.canonicalRows(List.of(row("TOTAL", null, "ID", 2L),
                row("total", new BigDecimal("10.5"), "id", 1L)), false);
        assertThat(Answers.compareRows(old, neu).agree()).isTrue();
    }

    @Test
    void shouldNameTheDifferingRowWhenAValueDiffers() {
        var old = Answers.canonicalRows(List.of(row("id", 1, "total", new BigDecimal("10.50"))), false);
        var neu = Answers.canonicalRows(List.of(row("id", 1, "total", new BigDecimal("99"))), false);
        var c = Answers.compareRows(old, neu);
        assertThat(c.agree()).isFalse();
        assertThat(c.detail()).contains("row 1 differs").contains("10.5").contains("99");
    }

    @Test
    void shouldMismatchOnOrderOnlyWhenOrdered() {
        List<Map<String, Object>> a = List.of(row("id", 1), row("id", 2));
        List<Map<String, Object>> b = List.of(row("id", 2), row("id", 1));
        assertThat(Answers.compareRows(Answers.canonicalRows(a, false), Answers.canonicalRows(b, false)).agree()).isTrue();
        assertThat(Answers.compareRows(Answers.canonicalRows(a, true), Answers.canonicalRows(b, true)).agree()).isFalse();
    }

    @Test
    void shouldReportAMissingRow() {
        var c = Answers.compareRows(Answers.canonicalRows(List.of(row("id", 1), row("id", 2)), false),
                Answers.canonicalRows(List.of(row("id", 1)), false));
        assertThat(c.agree()).isFalse();
        assertThat(c.detail()).contains("2 old rows, 1 new rows").contains("\"2\"");
    }

    @Test
    void shouldCompareNumFoundAndTopIdsInOrder() {
        var old = new SearchAnswer(3, List.of("a", "b", "c"));
        assertThat(Answers.compareSearch(old, new SearchAnswer(3, List.of("a", "b", "c"))).agree()).isTrue();
        assertThat(Answers.compareSearch(old, new SearchAnswer(3, List.of("a", "c", "b"))).detail())
                .contains("rank 2: b vs c");
        assertThat(Answers.compareSearch(old, new SearchAnswer(2, List.of("a", "b"))).detail())
                .contains("numFound 3 vs 2");
    }

    @Test
    void shouldRoundTripARecordAndRejectOneWithoutOutcome() {
        var r = new ShadowRecord("r1", "client", "rows", "public.orders", "id=1", "pg_b", 2, "mismatch",
                "row 1 differs", "[..]", "[..]", null, 5L);
        assertThat(ShadowRecord.fromJson(r.toJson())).isEqualTo(r);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ShadowRecord.fromJson("{\"readId\":\"x\"}"))
                .hasMessageContaining("outcome");
        assertThat(ShadowRecord.truncate("abcdef", 3)).isEqualTo("abc...(3 more chars)");
    }
}
