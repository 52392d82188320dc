package io.shardshift.cdc;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The change capture of a migration as its capture groups: one {@link ChangeCapture} (its own publication,
 * slot and Debezium engine) per group of a {@link CaptureGroupSplit}, decoding in parallel. A process runs the
 * engines of the groups it holds: all of them ({@link #start}), or, when several processes share capture, those
 * whose lease it holds ({@link #idle}, then {@link #hold} and {@link #release}).
 *
 * <p>Read as one capture: it has handled a source LSN only when <em>every</em> group has
 * ({@link #lastProcessedLsn()} is the minimum over the groups), which is what a cutover's drain to its fence
 * needs; a group that has not handled anything yet holds it at 0. Position markers ({@code pg_logical_emit_message})
 * reach every slot, so each group moves past a marker even when its own tables are idle.
 */
public final class CaptureGroups implements AutoCloseable {
    private final MigrationSpec spec;
    private final CaptureGroupSplit split;
    private final List<TableSchema> tables;
    private final CaptureOptions options;
    private final AtomicReferenceArray<ChangeCapture> running;

    private CaptureGroups(MigrationSpec spec, CaptureGroupSplit split, List<TableSchema> tables, CaptureOptions options) {
        this.spec = spec;
        this.split = split;
        this.tables = List.copyOf(tables);
        this.options = options;
        this.running = new AtomicReferenceArray<>(split.groups());
    }

    /**
     * Starts every group's engine. The slots and publications must exist ({@link ReplicationSetup#ensureAll}).
     * When one fails to start, those already started are closed.
     *
     * @param tables the definitions of every captured table
     */
    public static CaptureGroups start(MigrationSpec spec, CaptureGroupSplit split, List<TableSchema> tables,
                                      CaptureOptions options) {
        CaptureGroups groups = idle(spec, split, tables, options);
        try {
            for (int g = 0; g < split.groups(); g++) {
                groups.hold(g);
            }
        } catch (RuntimeException e) {
            groups.close();
            throw e;
        }
        return groups;
    }

    /** Capture groups with no engine running yet: {@link #hold} starts one. */
    public static CaptureGroups idle(MigrationSpec spec, CaptureGroupSplit split, List<TableSchema> tables,
                                     CaptureOptions options) {
        return new CaptureGroups(spec, split, tables, options);
    }

    /** Starts a group's engine in this process, if it does not run here yet. Its slot must not be in use. */
    public synchronized void hold(int group) {
        if (running.get(group) != null) {
            return;
        }
        List<TableSchema> own = tables.stream().filter(t -> split.groupOf(t.id()) == group).toList();
        running.set(group, ChangeCapture.start(spec, group, own, options));
    }

    /** Stops a group's engine in this process (it stores its position and lets go of its slot), if it runs here. */
    public void release(int group) {
        ChangeCapture c = running.getAndSet(group, null);
        if (c != null) {
            c.close();
        }
    }

    /** Which group captures each table. */
    public CaptureGroupSplit split() {
        return split;
    }

    /** The number of groups. */
    public int size() {
        return split.groups();
    }

    /** Whether every group's engine runs in this process. */
    public boolean holdsAll() {
        for (int g = 0; g < running.length(); g++) {
            if (running.get(g) == null) {
                return false;
            }
        }
        return true;
    }

    /** The engine of a group, if it runs in this process. */
    public Optional<ChangeCapture> running(int group) {
        return Optional.ofNullable(running.get(group));
    }

    /** The engine reading a slot, if it runs in this process. */
    public Optional<ChangeCapture> running(String slotName) {
        return groups().stream().filter(c -> c.slotName().equals(slotName)).findFirst();
    }

    /** The engines running in this process, group 0 first. */
    public List<ChangeCapture> groups() {
        List<ChangeCapture> out = new ArrayList<>();
        for (int g = 0; g < running.length(); g++) {
            ChangeCapture c = running.get(g);
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * The source LSN every group has handled: the minimum of the groups' {@link ChangeCapture#lastProcessedLsn()};
     * 0 while a group's engine does not run in this process (its position is then its slot's, see
     * {@code AppliedWatermark}). Every change committed before it is on the change topics.
     */
    public long lastProcessedLsn() {
        long min = Long.MAX_VALUE;
        for (int g = 0; g < running.length(); g++) {
            ChangeCapture c = running.get(g);
            if (c == null) {
                return 0;
            }
            min = Math.min(min, c.lastProcessedLsn());
        }
        return min == Long.MAX_VALUE ? 0 : min;
    }

    /** Changes published and acknowledged in this run, over the groups running here. */
    public long publishedCount() {
        return groups().stream().mapToLong(ChangeCapture::publishedCount).sum();
    }

    /** The first group's error that stopped it, if a group running here stopped on one. */
    public Optional<Throwable> failure() {
        return groups().stream().map(ChangeCapture::failure).flatMap(Optional::stream).findFirst();
    }

    /**
     * The state of capture in this process: {@code FAILED} when a group failed, {@code STARTING} while a group
     * starts, {@code STOPPED} when one stopped or none runs here, else {@code RUNNING}.
     */
    public ChangeCapture.State state() {
        List<ChangeCapture.State> states = groups().stream().map(ChangeCapture::state).toList();
        if (states.isEmpty()) {
            return ChangeCapture.State.STOPPED;
        }
        for (ChangeCapture.State s : List.of(ChangeCapture.State.FAILED, ChangeCapture.State.STARTING,
                ChangeCapture.State.STOPPED)) {
            if (states.contains(s)) {
                return s;
            }
        }
        return ChangeCapture.State.RUNNING;
    }

    /** Waits until the task of every group running here runs (or one failed); true when all run. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ChangeCapture c : groups()) {
            if (!c.awaitRunning(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /** Stops every engine running here, side by side (each stores its last position). */
    @Override
    public void close() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (int g = 0; g < running.length(); g++) {
            int group = g;
            stops.add(CompletableFuture.runAsync(() -> release(group), command -> {
                Thread t = new Thread(command, "shardshift-capture-close-" + group);
                t.setDaemon(true);
                t.start();
            }));
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
    }
}
