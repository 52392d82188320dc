package io.shardshift.cdc;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The change capture of a migration as its capture groups: one {@link ChangeCapture} (its own publication,
 * slot and Debezium engine) per group of a {@link CaptureGroupSplit}, decoding in parallel. Read as one
 * capture: it has handled a source LSN only when <em>every</em> group has ({@link #lastProcessedLsn()} is the
 * minimum over the groups), which is what a cutover's drain to its fence needs; a group that has not handled
 * anything yet holds it at 0. Position markers ({@code pg_logical_emit_message}) reach every slot, so each
 * group moves past a marker even when its own tables are idle.
 */
public final class CaptureGroups implements AutoCloseable {
    private final CaptureGroupSplit split;
    private final List<ChangeCapture> groups;

    private CaptureGroups(CaptureGroupSplit split, List<ChangeCapture> groups) {
        this.split = split;
        this.groups = List.copyOf(groups);
    }

    /**
     * Starts every group's engine. The slots and publications must exist ({@link ReplicationSetup#ensureAll}).
     * When one fails to start, those already started are closed.
     *
     * @param tables the definitions of every captured table
     */
    public static CaptureGroups start(MigrationSpec spec, CaptureGroupSplit split, List<TableSchema> tables,
                                      CaptureOptions options) {
        List<ChangeCapture> started = new ArrayList<>();
        try {
            for (int g = 0; g < split.groups(); g++) {
                int group = g;
                List<TableSchema> own = tables.stream().filter(t -> split.groupOf(t.id()) == group).toList();
                started.add(ChangeCapture.start(spec, group, own, options));
            }
        } catch (RuntimeException e) {
            started.forEach(ChangeCapture::close);
            throw e;
        }
        return new CaptureGroups(split, started);
    }

    /** Wraps one capture of every table (group 0 of a one-group migration), e.g. for tests. */
    public static CaptureGroups of(MigrationSpec spec, ChangeCapture single) {
        return new CaptureGroups(CaptureGroupSplit.plan(1, spec.tableIds(), java.util.Map.of()), List.of(single));
    }

    /** Which group captures each table. */
    public CaptureGroupSplit split() {
        return split;
    }

    /** Each group's capture, group 0 first. */
    public List<ChangeCapture> groups() {
        return groups;
    }

    /**
     * The source LSN every group has handled: the minimum of the groups' {@link ChangeCapture#lastProcessedLsn()}.
     * Every change committed before it is on the change topics.
     */
    public long lastProcessedLsn() {
        return groups.stream().mapToLong(ChangeCapture::lastProcessedLsn).min().orElse(0L);
    }

    /** Changes published and acknowledged in this run, over every group. */
    public long publishedCount() {
        return groups.stream().mapToLong(ChangeCapture::publishedCount).sum();
    }

    /** The first group's error that stopped it, if any group stopped on one. */
    public Optional<Throwable> failure() {
        return groups.stream().map(ChangeCapture::failure).flatMap(Optional::stream).findFirst();
    }

    /**
     * The state of capture as a whole: {@code FAILED} when any group failed, {@code STARTING} while any group
     * starts, {@code STOPPED} when any stopped, else {@code RUNNING}.
     */
    public ChangeCapture.State state() {
        List<ChangeCapture.State> states = groups.stream().map(ChangeCapture::state).toList();
        for (ChangeCapture.State s : List.of(ChangeCapture.State.FAILED, ChangeCapture.State.STARTING,
                ChangeCapture.State.STOPPED)) {
            if (states.contains(s)) {
                return s;
            }
        }
        return ChangeCapture.State.RUNNING;
    }

    /** Waits until every group's task runs (or one failed); true when all run. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ChangeCapture c : groups) {
            if (!c.awaitRunning(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /** Stops every group's engine, side by side (each stores its last position). */
    @Override
    public void close() {
        if (groups.size() == 1) {
            groups.get(0).close();
            return;
        }
        CompletableFuture.allOf(groups.stream().map(c -> CompletableFuture.runAsync(c::close, command -> {
            Thread t = new Thread(command, "shardshift-capture-close-" + c.group());
            t.setDaemon(true);
            t.start();
        })).toArray(CompletableFuture[]::new)).join();
    }
}
