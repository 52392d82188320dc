package io.shardshift.engine.run;

import io.shardshift.cdc.TableProgress;
import io.shardshift.core.spec.Durations;
import io.shardshift.core.spec.Secrets;
import io.shardshift.engine.lag.LagSnapshot;
import io.shardshift.engine.lag.SlotRetention;
import io.shardshift.engine.topology.TargetOutages;

import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a running migration's state every few seconds: a progress bar per table while the backfill runs
 * (rows/s and ETA), then the lag, the targets and the WAL the slot retains with its {@code wal_status};
 * and a line for each target apply is waiting for and each table paused by a schema change.
 */
public final class StatusPrinter {
    private final MigrationRunner runner;
    private final ProgressBar bar;
    private final PrintStream out;
    private static final long SLOT_EVERY_NANOS = 10_000_000_000L;

    private final Map<String, long[]> lastRows = new HashMap<>();
    private String slotText;
    private String instancesText = "";
    private long slotReadAt;

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
            Map<io.shardshift.core.event.TableId, Map<String, Integer>> byInstance = runner.backfillChunksByInstance();
            for (TableProgress p : runner.backfillProgress().values()) {
                if (!p.finished()) {
                    bar.update(p.table().toString(), p.rowsRead(), p.estimatedRows(), rate(p),
                            chunksText(p, byInstance.getOrDefault(p.table(), Map.of())) + ", " + lagText);
                }
            }
        } else {
            bar.finish();
            out.println("streaming: " + lagText + ", " + runner.metrics().snapshot().values().stream()
                    .map(s -> s.target() + " " + s.eventsApplied() + " applied (p99 " + s.p99LatencyMillis() + " ms)")
                    .toList() + ", dead letters " + runner.deadLetters() + ", " + slotText() + captureGroupsText());
        }
        runner.captureGroupsWaiting().forEach((g, why) -> out.println("WAITING capture group " + g + ": " + why));
        printInstances();
        runner.outages().waiting().forEach(w -> out.println(waitingLine(w, runner.outages().policy().giveUp())));
        runner.pausedTables().forEach(p -> out.println("PAUSED " + p.describe()
                + " (apply the same DDL to every target, then POST /v1/tables/resume {\"table\":\"" + p.table() + "\"})"));
    }

    /**
     * With several capture groups, or capture in another process: the groups whose engine runs here, e.g.
     * {@code , capture groups here [0, 2] of 3}; empty for a one-group migration captured here.
     */
    private String captureGroupsText() {
        int groups = runner.spec().captureGroups();
        List<Integer> here = runner.capture() == null ? List.of()
                : runner.capture().groups().stream().map(io.shardshift.cdc.ChangeCapture::group).toList();
        if (groups == 1 && here.size() == 1) {
            return "";
        }
        return ", capture groups here " + here + " of " + groups;
    }

    /**
     * A line per migrator process of the migration (see {@link InstanceInfo#describe}), when
     * an instance came, went, was lost or holds another count of something than at the last print (backfill
     * chunks in flight aside).
     */
    private void printInstances() {
        if (runner.instances() == null) {
            return;
        }
        long now = System.currentTimeMillis();
        java.util.List<InstanceInfo> all = runner.instances().instances();
        // the backfill chunks in flight change with every chunk: they show in the backfill lines instead
        String key = all.stream().map(i -> i.id() + " " + i.state(now) + " " + i.holds().entrySet().stream()
                .filter(e -> !e.getKey().equals(InstanceInfo.BACKFILL_CHUNKS))
                .map(e -> e.getKey() + "=" + e.getValue().size()).toList()).toList().toString();
        if (!key.equals(instancesText)) {
            instancesText = key;
            bar.finish();
            all.forEach(i -> out.println(i.describe(now)));
        }
    }

    /**
     * E.g. {@code chunks 5/12 (host-a-17: 3, host-b-42: 2)}: the chunks every process copied, and each one's share
     * when more than one copied.
     */
    static String chunksText(TableProgress p, Map<String, Integer> byInstance) {
        String text = "chunks " + p.chunksDone() + "/" + p.totalChunks();
        if (byInstance.size() > 1) {
            text += byInstance.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                    .collect(java.util.stream.Collectors.joining(", ", " (", ")"));
        }
        return text;
    }

    /** The slot's retained WAL and wal_status, read at most every {@link #SLOT_EVERY_NANOS}. */
    private String slotText() {
        long now = System.nanoTime();
        if (slotText == null || now - slotReadAt > SLOT_EVERY_NANOS) {
            slotReadAt = now;
            try {
                slotText = slotLine(SlotRetention.read(runner.spec()));
            } catch (SQLException e) {
                slotText = "slot unknown (" + Secrets.maskCredentials(e.getMessage()) + ")";
            }
        }
        return slotText;
    }

    /**
     * E.g. {@code WAITING waiting for target pg_b since 2026-12-06T22:45:27Z (08001 Connection refused): apply
     * tries again; it stops if the outage lasts over 30m}.
     */
    static String waitingLine(TargetOutages.Waiting w, Duration giveUp) {
        return "WAITING " + w.describe() + ": apply tries again; it stops if the outage lasts over "
                + Durations.format(giveUp);
    }

    /** E.g. {@code slot retains 12.0 MiB (wal_status reserved)}. */
    static String slotLine(SlotRetention.Reading slot) {
        if (SlotRetention.MISSING.equals(slot.walStatus())) {
            return "slot missing";
        }
        String line = "slot retains " + (slot.retainedBytes() < 0 ? "?" : String.format(java.util.Locale.ROOT, "%.1f MiB",
                slot.retainedBytes() / 1048576.0)) + " (wal_status " + slot.walStatus() + ")";
        return SlotRetention.LOST.equals(slot.walStatus()) ? line + " LOST: the migration cannot resume from this slot" : line;
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
