package io.shardshift.tools.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BenchReportTest {

    @Test
    void shouldMeetBackfillGoalAtThreeTenthsOfRawCopy() {
        BenchReport report = new BenchReport().backfill(99_000, 330_000);

        assertThat(report.lines().get(0).ratio()).isEqualTo("0.30");
        assertThat(report.lines().get(0).verdict()).isEqualTo(BenchReport.Verdict.MET);
    }

    @Test
    void shouldMissBackfillGoalJustBelowThreeTenths() {
        BenchReport report = new BenchReport().backfill(98_000, 330_000);

        assertThat(report.lines().get(0).verdict()).isEqualTo(BenchReport.Verdict.MISSED);
        assertThat(report.allGoalsMet()).isFalse();
    }

    @Test
    void shouldMissLatencyGoalAtExactly250Millis() {
        BenchReport report = new BenchReport().latencyP99("p99", 249, "").latencyP99("p99", 250, "");

        assertThat(report.lines()).extracting(BenchReport.Line::verdict)
                .containsExactly(BenchReport.Verdict.MET, BenchReport.Verdict.MISSED);
    }

    @Test
    void shouldCountInfoLinesAsNoGoal() {
        BenchReport report = new BenchReport().stream(90_000, 45_000, 40_000, 80_000).info("note", "x", "");

        assertThat(report.allGoalsMet()).isTrue();
    }

    @Test
    void shouldJudgeCaptureAndApplyAgainstHalfTheRawDecodingRate() {
        BenchReport report = new BenchReport().stream(90_000, 41_000, 39_000, 80_000);

        assertThat(report.lines()).extracting(BenchReport.Line::ratio).containsExactly("0.51", "0.49", "1.13");
        assertThat(report.lines()).extracting(BenchReport.Line::verdict).containsExactly(
                BenchReport.Verdict.MET, BenchReport.Verdict.MISSED, BenchReport.Verdict.INFO);
    }

    @Test
    void shouldMissApplyGoalBelowFortyThousandEvenAtAGoodRatio() {
        BenchReport report = new BenchReport().stream(40_000, 30_000, 30_000, 50_000);

        assertThat(report.lines().get(1).ratio()).isEqualTo("0.60");
        assertThat(report.lines().get(1).verdict()).isEqualTo(BenchReport.Verdict.MISSED);
    }

    @Test
    void shouldMissStreamGoalsWhenTheRawRateWasNotMeasured() {
        BenchReport report = new BenchReport().stream(90_000, 60_000, 60_000, 0);

        assertThat(report.lines().get(0).raw()).isEqualTo("pg_recvlogical not measured");
        assertThat(report.allGoalsMet()).isFalse();
    }

    @Test
    void shouldRenderAMarkdownTableWithAlignedColumns() {
        String table = new BenchReport().backfill(120_000, 330_000).stream(20_000, 9_000, 8_500, 60_000).render();

        assertThat(table.lines()).hasSize(6);
        assertThat(table.lines().map(String::length).distinct()).hasSize(1);
        assertThat(table).startsWith("| figure ")
                .contains("| 120,000 rows/s ")
                .contains("| COPY PG->PG 330,000 rows/s ")
                .contains("| 0.36 ")
                .contains("| 8,500 events/s ")
                .contains("| pg_recvlogical pgoutput 60,000 events/s ")
                .contains("| ratio >= 0.50, >= 40,000 events/s ");
        assertThat(table.lines().skip(1).findFirst()).hasValueSatisfying(l -> assertThat(l).matches("\\|(-+\\|)+"));
        assertThat(table.lines().skip(4).findFirst()).hasValueSatisfying(l -> assertThat(l).endsWith("| NO  |"));
    }
}
