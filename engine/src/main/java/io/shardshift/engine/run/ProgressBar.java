package io.shardshift.engine.run;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Prints backfill progress per table: a redrawn progress bar with rows/s and ETA on a terminal, plain
 * lines otherwise (logs, CI, pipes).
 */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean terminal;

    public ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A bar for {@code System.out}, drawn as a bar when a console is attached. */
    public static ProgressBar forStdout() {
        return new ProgressBar(System.out, System.console() != null && System.getenv("CI") == null);
    }

    /**
     * Prints one update.
     *
     * @param label     what progresses, e.g. the table
     * @param done      units done
     * @param total     units in all, or -1 when unknown
     * @param perSecond current rate
     * @param suffix    extra text, e.g. the lag
     */
    public void update(String label, long done, long total, double perSecond, String suffix) {
        out.print(render(label, done, total, perSecond, suffix) + (terminal ? "\r" : System.lineSeparator()));
        out.flush();
    }

    /** Ends a redrawn line so the next output starts on a fresh line. */
    public void finish() {
        if (terminal) {
            out.println();
        }
    }

    String render(String label, long done, long total, double perSecond, String suffix) {
        StringBuilder sb = new StringBuilder(label).append(' ');
        if (total > 0) {
            double frac = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(frac * WIDTH);
            if (terminal) {
                sb.append('[').append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ");
            }
            sb.append(String.format("%5.1f%% %,d/%,d rows", frac * 100, done, total));
            if (perSecond > 0 && done < total) {
                sb.append(", ETA ").append(format(Duration.ofSeconds((long) ((total - done) / perSecond))));
            }
        } else {
            sb.append(String.format("%,d rows", done));
        }
        sb.append(String.format(", %,.0f rows/s", perSecond));
        if (suffix != null && !suffix.isEmpty()) {
            sb.append(", ").append(suffix);
        }
        return sb.toString();
    }

    static String format(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format("%dm%02ds", s / 60, s % 60);
    }
}
