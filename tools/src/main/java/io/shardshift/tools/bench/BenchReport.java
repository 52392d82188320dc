package io.shardshift.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's figures beside the raw parts measured in the same run, each checked against the goal
 * of issue 2, printed as a Markdown table (so it can be pasted into the README as is).
 *
 * <pre>
 * | figure   | shardshift    | raw part, same run         | ratio | goal          | met |
 * |----------|---------------|----------------------------|-------|---------------|-----|
 * | backfill | 72,388 rows/s | COPY PG->PG 145,747 rows/s | 0.50  | ratio >= 0.30 | yes |
 * </pre>
 */
final class BenchReport {
    /** Backfill speed over raw COPY PG to PG (Debezium's own snapshot reaches about 0.18). */
    static final double BACKFILL_RATIO_GOAL = 0.3;
    /** Change events per second applied to the PostgreSQL targets (issue 13). */
    static final double THROUGHPUT_GOAL = 40_000;
    /** Capture's and apply's rate over the raw decoding rate ({@code pg_recvlogical}) of the same changes. */
    static final double STREAM_RATIO_GOAL = 0.5;
    /** Commit-to-applied p99 at 1k events/s over the whole window, in milliseconds (strictly below). */
    static final long P99_GOAL_MILLIS = 250;

    private static final String[] HEADER = {"figure", "shardshift", "raw part, same run", "ratio", "goal", "met"};

    /** Whether a line's goal is met; {@link #INFO} for lines without a goal. */
    enum Verdict { MET, MISSED, INFO }

    /** One line of the table. */
    record Line(String figure, String measured, String raw, String ratio, String goal, Verdict verdict) {
        String[] cells() {
            String met = switch (verdict) {
                case MET -> "yes";
                case MISSED -> "NO";
                case INFO -> "";
            };
            return new String[] {figure, measured, raw, ratio, goal, met};
        }
    }

    private final List<Line> lines = new ArrayList<>();

    /** The backfill line: its speed, the raw COPY's, and the ratio against {@link #BACKFILL_RATIO_GOAL}. */
    BenchReport backfill(double rowsPerSecond, double rawRowsPerSecond) {
        double ratio = rawRowsPerSecond > 0 ? rowsPerSecond / rawRowsPerSecond : 0;
        lines.add(new Line("backfill", rate(rowsPerSecond, "rows/s"), "COPY PG->PG " + rate(rawRowsPerSecond, "rows/s"),
                String.format(Locale.ROOT, "%.2f", ratio), String.format(Locale.ROOT, "ratio >= %.2f", BACKFILL_RATIO_GOAL),
                ratio >= BACKFILL_RATIO_GOAL ? Verdict.MET : Verdict.MISSED));
        return this;
    }

    /**
     * The change stream lines: capture (published to Kafka) and apply (written to the targets), each over the
     * raw decoding rate of the same changes, plus what the source committed. A raw rate of 0 (not measured)
     * misses the ratio goals: they cannot be checked.
     */
    BenchReport stream(double committedPerSecond, double capturedPerSecond, double appliedPerSecond,
                       double rawDecodingPerSecond) {
        String raw = rawDecodingPerSecond > 0 ? "pg_recvlogical pgoutput " + rate(rawDecodingPerSecond, "events/s")
                : "pg_recvlogical not measured";
        double captureRatio = rawDecodingPerSecond > 0 ? capturedPerSecond / rawDecodingPerSecond : 0;
        double applyRatio = rawDecodingPerSecond > 0 ? appliedPerSecond / rawDecodingPerSecond : 0;
        String ratioGoal = String.format(Locale.ROOT, "ratio >= %.2f", STREAM_RATIO_GOAL);
        lines.add(new Line("change stream captured (Kafka)", rate(capturedPerSecond, "events/s"), raw,
                String.format(Locale.ROOT, "%.2f", captureRatio), ratioGoal,
                captureRatio >= STREAM_RATIO_GOAL ? Verdict.MET : Verdict.MISSED));
        lines.add(new Line("change stream applied", rate(appliedPerSecond, "events/s"), raw,
                String.format(Locale.ROOT, "%.2f", applyRatio), ratioGoal + ", >= " + rate(THROUGHPUT_GOAL, "events/s"),
                applyRatio >= STREAM_RATIO_GOAL && appliedPerSecond >= THROUGHPUT_GOAL ? Verdict.MET : Verdict.MISSED));
        lines.add(new Line("source commits (stream phase)", rate(committedPerSecond, "events/s"), raw,
                rawDecodingPerSecond > 0 ? String.format(Locale.ROOT, "%.2f", committedPerSecond / rawDecodingPerSecond) : "",
                "", Verdict.INFO));
        return this;
    }

    /** A latency percentile with no goal of its own (p50, p95). */
    BenchReport latency(String figure, long millis, String crossCheck) {
        lines.add(new Line(figure, millis + " ms", crossCheck, "", "", Verdict.INFO));
        return this;
    }

    /** The p99 latency line, against {@link #P99_GOAL_MILLIS}. */
    BenchReport latencyP99(String figure, long millis, String crossCheck) {
        lines.add(new Line(figure, millis + " ms", crossCheck, "", "< " + P99_GOAL_MILLIS + " ms",
                millis < P99_GOAL_MILLIS ? Verdict.MET : Verdict.MISSED));
        return this;
    }

    /** A line of context with no goal. */
    BenchReport info(String figure, String measured, String raw) {
        lines.add(new Line(figure, measured, raw, "", "", Verdict.INFO));
        return this;
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    /** Whether no line missed its goal. */
    boolean allGoalsMet() {
        return lines.stream().noneMatch(l -> l.verdict() == Verdict.MISSED);
    }

    /** The table in Markdown, columns padded to line up in a terminal. */
    String render() {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        lines.forEach(l -> rows.add(l.cells()));
        int[] width = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, rows.get(0), width);
        out.append('|');
        for (int w : width) {
            out.append("-".repeat(w + 2)).append('|');
        }
        out.append('\n');
        rows.subList(1, rows.size()).forEach(r -> appendRow(out, r, width));
        return out.toString();
    }

    private static void appendRow(StringBuilder out, String[] cells, int[] width) {
        out.append('|');
        for (int i = 0; i < cells.length; i++) {
            out.append(' ').append(cells[i]).append(" ".repeat(width[i] - cells[i].length())).append(" |");
        }
        out.append('\n');
    }

    /** A rate with thousands separators, e.g. {@code 12,345 rows/s}. */
    static String rate(double perSecond, String unit) {
        return String.format(Locale.ROOT, "%,d %s", Math.round(perSecond), unit);
    }
}
