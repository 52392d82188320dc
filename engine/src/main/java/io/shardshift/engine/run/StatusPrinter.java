package io.shardshift.engine.run;

import io.shardshift.cdc.TableProgress;
import io.shardshift.engine.lag.LagSnapshot;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Prints a running migration's state every few seconds: a progress bar per table while the backfill runs
 * (rows/s and ETA), then the lag.
 */
public final class StatusPrinter {
    private final MigrationRunner runner;
    private final ProgressBar bar;
    private final PrintStream out;
    private final Map<String, long[]> lastRows = new HashMap<>();

    public StatusPrinter(MigrationRunner runner, ProgressBar bar, PrintStream out) {
        this.runner = runner;
        this.bar = bar;
        this.out = out;
    }

    /** Prints one update. */
    public void print() {
        String lagText;
        try {
            LagSnapshot lag = runner.lag().snapshot();
            lagText = "kafka lag " + lag.kafkaLagTotal() + " events, capture " + lag.captureLagBytes() + " B behind";
        } catch (Exception e) {
            lagText = "lag unknown (" + e.getMessage() + ")";
        }
        if (!runner.backfillFinished()) {
            for (TableProgress p : runner.backfillProgress().values()) {
                if (!p.finished()) {
                    bar.update(p.table().toString(), p.rowsRead(), p.estimatedRows(), rate(p), lagText);
                }
            }
        } else {
            bar.finish();
            out.println("streaming: " + lagText + ", " + runner.metrics().snapshot().values().stream()
                    .map(s -> s.target() + " " + s.eventsApplied() + " applied (p99 " + s.p99LatencyMillis() + " ms)")
                    .toList() + ", dead letters " + runner.deadLetters());
        }
        runner.pausedTables().forEach(p -> out.println("PAUSED " + p.describe()
                + " (apply the same DDL to every target, then POST /v1/tables/resume {\"table\":\"" + p.table() + "\"})"));
    }

    private double rate(TableProgress p) {
        long now = System.nanoTime();
        long[] last = lastRows.put(p.table().toString(), new long[] {now, p.rowsRead()});
        if (last == null || now == last[0]) {
            return 0;
        }
        return (p.rowsRead() - last[1]) * 1e9 / (now - last[0]);
    }
}
