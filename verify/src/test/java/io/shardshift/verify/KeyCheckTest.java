package io.shardshift.verify;

import io.shardshift.core.verify.CompareReport;
import io.shardshift.core.verify.CompareReport.Kind;
import io.shardshift.verify.internal.KeyCheck;
import io.shardshift.verify.internal.KeyCheck.Outcome;
import io.shardshift.verify.internal.RowKey;
import io.shardshift.verify.internal.SourceRow;
import io.shardshift.verify.internal.TargetRow;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.shardshift.verify.ChunkCompareTest.LAYOUT;
import static org.assertj.core.api.Assertions.assertThat;

class KeyCheckTest {
    static final RowKey KEY = new RowKey(List.of("42"), "(42)");
    static final SourceRow ACME = new SourceRow(KEY, "acme", "(42,acme,paid)");
    static final long READ_AT = 1_000;

    static KeyCheck.Verdict check(SourceRow src, List<TargetRow> held, Map<String, Long> tombstones) {
        return KeyCheck.check(src, held, tombstones, LAYOUT, READ_AT);
    }

    @Test
    void shouldBeEqualWhenTheRowIsInItsTargetWithEqualValues() {
        assertThat(check(ACME, List.of(new TargetRow("pg_b", KEY, "(42,acme,paid)", 900)), Map.of()).outcome())
                .isEqualTo(Outcome.EQUAL);
    }

    @Test
    void shouldReportDifferentValues() {
        KeyCheck.Verdict v = check(ACME, List.of(new TargetRow("pg_b", KEY, "(42,acme,new)", 0)), Map.of());
        assertThat(v.kind()).isEqualTo(Kind.DIFFERENT_VALUES);
        assertThat(v.detail()).contains("(42,acme,paid)", "(42,acme,new)");
    }

    @Test
    void shouldReportMissingWithTheExpectedTarget() {
        KeyCheck.Verdict v = check(ACME, List.of(), Map.of("pg_b", 500L));
        assertThat(v.kind()).isEqualTo(Kind.MISSING_IN_TARGET);
        assertThat(v.expected()).isEqualTo("pg_b");
    }

    @Test
    void shouldReportExtraWhenTheSourceHasNoRow() {
        assertThat(check(null, List.of(new TargetRow("pg_a", KEY, "(42,x,y)", 0)), Map.of()).kind())
                .isEqualTo(Kind.EXTRA_IN_TARGET);
    }

    @Test
    void shouldReportWrongTargetForARowInAnotherTargetOrInTwo() {
        assertThat(check(ACME, List.of(new TargetRow("pg_a", KEY, "(42,acme,paid)", 0)), Map.of()).kind())
                .isEqualTo(Kind.WRONG_TARGET);
        assertThat(check(ACME, List.of(new TargetRow("pg_b", KEY, "(42,acme,paid)", 0),
                new TargetRow("pg_a", KEY, "(42,acme,paid)", 0)), Map.of()).kind()).isEqualTo(Kind.WRONG_TARGET);
    }

    @Test
    void shouldBeInconclusiveWhenATargetAppliedAChangeNewerThanTheSourceRead() {
        assertThat(check(ACME, List.of(new TargetRow("pg_b", KEY, "(42,acme,shipped)", READ_AT + 8)), Map.of()).outcome())
                .isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(check(ACME, List.of(), Map.of("pg_b", READ_AT + 8)).outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    }

    @Test
    void shouldBeEqualWhenNeitherSideHasTheKey() {
        assertThat(check(null, List.of(), Map.of("pg_a", 10L)).outcome()).isEqualTo(Outcome.EQUAL);
    }
}
