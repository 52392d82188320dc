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
    void shouldMissLatencyGoalAtExactlyOneSecond() {
        BenchReport report = new BenchReport().latencyP99("p99", 999, "").latencyP99("p99", 1000, "");

        assertThat(report.lines()).extracting(BenchReport.Line::verdict)
                .containsExactly(BenchReport.Verdict.MET, BenchReport.Verdict.MISSED);
    }

    @Test
    void shouldCountInfoLinesAsNoGoal() {
        BenchReport report = new BenchReport().throughput(10_000, "capture 12,000 events/s").info("note", "x", "");

        assertThat(report.allGoalsMet()).isTrue();
    }

    @Test
    void shouldRenderAMarkdownTableWithAlignedColumns() {
        String table = new BenchReport().backfill(120_000, 330_000).throughput(8_500, "capture 9,000 events/s").render();

        assertThat(table.lines()).hasSize(4);
        assertThat(table.lines().map(String::length).distinct()).hasSize(1);
        assertThat(table).startsWith("| figure ")
                .contains("| 120,000 rows/s ")
                .contains("| COPY PG->PG 330,000 rows/s ")
                .contains("| 0.36 ")
                .contains("| 8,500 events/s ")
                .contains("| >= 10,000 events/s ");
        assertThat(table.lines().skip(1).findFirst()).hasValueSatisfying(l -> assertThat(l).matches("\\|(-+\\|)+"));
        assertThat(table.lines().skip(3).findFirst()).hasValueSatisfying(l -> assertThat(l).endsWith("| NO  |"));
    }
}
