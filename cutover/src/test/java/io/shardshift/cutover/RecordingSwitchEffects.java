package io.shardshift.cutover;

import io.shardshift.cutover.internal.ReverseReplicator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link SwitchEffects} and {@link SwitchState} that records every call as a line of text ({@code "lock source"},
 * {@code "publish generation 2 (previous 1)"}, ...) and the audit entries apart, and fails the one call it is
 * told to fail with an {@link IllegalStateException} named after it (every time, or the first n times), or
 * {@linkplain #crashOn crashes} there: throws a {@link Crash} that no step catches, as if the process died.
 *
 * <p>It also models the state a switch changes: what the source committed (the generation it says is live, a
 * rollback whose targets are still to release), what its open transaction would commit, the targets (reverse log,
 * unique indexes), the config topic's generation and freeze, and the alias.
 */
final class RecordingSwitchEffects implements SwitchEffects, SwitchState {
    static final long FENCE = 0x1_0000_2000L;
    static final long COPIED = 7;
    /** The generation the source says is live once it accepts writes again (the tests switch between 1 and 2). */
    static final long OLD = 1;

    /** An audit entry written through the effects. */
    record Audited(String entry, Map<String, Object> details) {
    }

    /** The process died at a call: nothing after it runs, nothing is undone. */
    static final class Crash extends Error {
        Crash(String call) {
            super("crashed at " + call);
        }
    }

    final List<String> calls = new ArrayList<>();
    final List<Audited> audits = new ArrayList<>();
    private String failing;
    private int failures = Integer.MAX_VALUE;
    private String crashing;
    private final java.util.Set<String> failingAudits = new java.util.HashSet<>();

    /** The generation the source says is live (committed). */
    long sourceGeneration;
    /** What the source's open transaction would make it say, if it commits. */
    private Long sourcePending;
    long configGeneration;
    boolean frozen;
    long aliasGeneration;
    /** Whether the targets' unique indexes are unique. */
    boolean uniqueEnforced;
    /** Whether the targets log application writes (their reverse log triggers are on). */
    boolean targetsLogging;
    /** The fence of a rollback the source committed whose targets are not released yet, or null. */
    Long releasePending;
    /** What the source's open transaction would make {@link #releasePending}, if it commits. */
    private Long releasePendingInTransaction;

    /** A fake whose source, config topic and alias all say {@code live}. */
    RecordingSwitchEffects(long live) {
        sourceGeneration = live;
        configGeneration = live;
        aliasGeneration = live;
        targetsLogging = live != OLD;
        uniqueEnforced = live != OLD;
    }

    /** Makes the call recorded as {@code call} throw, every time. */
    RecordingSwitchEffects failOn(String call) {
        this.failing = call;
        return this;
    }

    /** Makes the call recorded as {@code call} throw the first {@code times} times, then succeed. */
    RecordingSwitchEffects failOn(String call, int times) {
        this.failing = call;
        this.failures = times;
        return this;
    }

    /** Makes the process die (a {@link Crash}) just after the call recorded as {@code call} took effect. */
    RecordingSwitchEffects crashOn(String call) {
        this.crashing = call;
        return this;
    }

    /** Makes writing the audit entry {@code entry} throw. */
    RecordingSwitchEffects failAuditOf(String entry) {
        failingAudits.add(entry);
        return this;
    }

    /** After a crash: the source session is gone, its open transaction rolled back; calls are recorded afresh. */
    void restart() {
        sourcePending = null;
        releasePendingInTransaction = null;
        crashing = null;
        calls.clear();
    }

    boolean consistent() {
        return sourceGeneration == configGeneration && configGeneration == aliasGeneration && !frozen;
    }

    private void call(String call) {
        calls.add(call);
        if (call.equals(failing) && failures > 0) {
            failures--;
            throw new IllegalStateException(call + " failed");
        }
    }

    private void after(String call) {
        if (call.equals(crashing)) {
            throw new Crash(call);
        }
    }

    List<String> auditEntries() {
        return audits.stream().map(Audited::entry).toList();
    }

    @Override
    public void openSource() {
        call("open source");
        after("open source");
    }

    @Override
    public void startReverseLog() {
        call("start reverse log");
        targetsLogging = true;
        after("start reverse log");
    }

    @Override
    public void publishFreeze(boolean frozen, String reason) {
        String call = frozen ? "freeze writes" : reason.endsWith(" aborted") ? "unfreeze writes (abort)" : "unfreeze writes";
        call(call);
        this.frozen = frozen;
        after(call);
    }

    @Override
    public void lockSource() {
        call("lock source");
        after("lock source");
    }

    @Override
    public long fenceLsn() {
        call("read fence");
        after("read fence");
        return FENCE;
    }

    @Override
    public void awaitApplied(long fence) {
        call("drain to " + Long.toHexString(fence));
        after("drain to " + Long.toHexString(fence));
    }

    @Override
    public void enforceUniqueIndexes() {
        call("enforce unique indexes");
        uniqueEnforced = true;
        after("enforce unique indexes");
    }

    @Override
    public void relaxUniqueIndexes() {
        call("relax unique indexes");
        uniqueEnforced = false;
        after("relax unique indexes");
    }

    @Override
    public void holdFenceSnapshot() {
        call("hold fence snapshot");
        after("hold fence snapshot");
    }

    @Override
    public void writeManifest(String id, long generation, long fence) {
        call("write manifest");
        after("write manifest");
    }

    @Override
    public void dropFenceSnapshot() {
        call("drop fence snapshot");
    }

    @Override
    public void rejectWritesOnSource(long generation, Instant observeUntil) {
        call("reject writes on source for " + generation);
        sourcePending = generation;
        after("reject writes on source for " + generation);
    }

    @Override
    public void allowWritesOnSource() {
        call("allow writes on source");
        sourcePending = OLD;
        after("allow writes on source");
    }

    @Override
    public long copyBack(long fence, long generation) {
        call("copy back");
        releasePendingInTransaction = fence;
        after("copy back");
        return COPIED;
    }

    @Override
    public void publishGeneration(long generation, long previous, String reason) {
        String call = "publish generation " + generation + " (previous " + previous + ")"
                + (reason.endsWith(" aborted") ? " (abort)" : "");
        call(call);
        configGeneration = generation;
        after(call);
    }

    @Override
    public void swapAlias(long from, long to) {
        call("swap alias " + from + " -> " + to);
        aliasGeneration = to;
        after("swap alias " + from + " -> " + to);
    }

    @Override
    public void commitSource() {
        call("commit source");
        if (sourcePending != null) {
            sourceGeneration = sourcePending;
        }
        if (releasePendingInTransaction != null) {
            releasePending = releasePendingInTransaction;
        }
        sourcePending = null;
        releasePendingInTransaction = null;
        after("commit source");
    }

    @Override
    public void releaseTargets(long fence, long to) {
        call("release targets with " + to + " live");
        targetsLogging = false;
        releasePending = null;
        after("release targets with " + to + " live");
    }

    @Override
    public void openObservation(long generation, Instant until) {
        call("open observation of " + generation);
        after("open observation of " + generation);
    }

    @Override
    public void closeObservationByRollback() {
        call("close observation");
        after("close observation");
    }

    @Override
    public void releaseTargetsAfterAbort() {
        call("release target locks (abort)");
    }

    @Override
    public void abortSource() {
        call("roll back source");
        sourcePending = null;
        releasePendingInTransaction = null;
    }

    @Override
    public void stopReverseLog(String id) {
        call("stop reverse log");
        targetsLogging = false;
    }

    @Override
    public void audit(String entry, Map<String, Object> details) {
        if (failingAudits.contains(entry)) {
            throw new IllegalStateException("audit of " + entry + " failed");
        }
        audits.add(new Audited(entry, details));
    }

    @Override
    public long sourceGeneration(long oldGeneration, long newGeneration) {
        calls.add("read source");
        return sourceGeneration;
    }

    @Override
    public Optional<ReverseReplicator.PendingRelease> pendingRelease() {
        return Optional.ofNullable(releasePending).map(f -> new ReverseReplicator.PendingRelease(f, OLD));
    }

    @Override
    public boolean targetsLogging() {
        return targetsLogging;
    }

    @Override
    public boolean uniqueEnforced() {
        return uniqueEnforced;
    }

    @Override
    public boolean writesFrozen() {
        return frozen;
    }
}
