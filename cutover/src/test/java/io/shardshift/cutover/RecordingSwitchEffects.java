package io.shardshift.cutover;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link SwitchEffects} that records every call as a line of text ({@code "lock source"},
 * {@code "publish generation 2 (previous 1)"}, ...) and the audit entries apart, and fails the one call it is
 * told to fail with an {@link IllegalStateException} named after it.
 */
final class RecordingSwitchEffects implements SwitchEffects {
    static final long FENCE = 0x1_0000_2000L;
    static final long COPIED = 7;

    /** An audit entry written through the effects. */
    record Audited(String entry, Map<String, Object> details) {
    }

    final List<String> calls = new ArrayList<>();
    final List<Audited> audits = new ArrayList<>();
    private String failing;

    /** Makes the call recorded as {@code call} throw. */
    RecordingSwitchEffects failOn(String call) {
        this.failing = call;
        return this;
    }

    private void call(String call) {
        calls.add(call);
        if (call.equals(failing)) {
            throw new IllegalStateException(call + " failed");
        }
    }

    List<String> auditEntries() {
        return audits.stream().map(Audited::entry).toList();
    }

    @Override
    public void openSource() {
        call("open source");
    }

    @Override
    public void startReverseLog() {
        call("start reverse log");
    }

    @Override
    public void publishFreeze(boolean frozen, String reason) {
        call(frozen ? "freeze writes" : reason.endsWith(" aborted") ? "unfreeze writes (abort)" : "unfreeze writes");
    }

    @Override
    public void lockSource() {
        call("lock source");
    }

    @Override
    public long fenceLsn() {
        call("read fence");
        return FENCE;
    }

    @Override
    public void awaitApplied(long fence) {
        call("drain to " + Long.toHexString(fence));
    }

    @Override
    public void rejectWritesOnSource(long generation, Instant observeUntil) {
        call("reject writes on source for " + generation);
    }

    @Override
    public void allowWritesOnSource() {
        call("allow writes on source");
    }

    @Override
    public long copyBack() {
        call("copy back");
        return COPIED;
    }

    @Override
    public void publishGeneration(long generation, long previous, String reason) {
        call("publish generation " + generation + " (previous " + previous + ")"
                + (reason.endsWith(" aborted") ? " (abort)" : ""));
    }

    @Override
    public void swapAlias(long from, long to) {
        call("swap alias " + from + " -> " + to);
    }

    @Override
    public void release(long fence, long to) {
        call("release with " + to + " live");
    }

    @Override
    public void openObservation(long generation, Instant until) {
        call("open observation of " + generation);
    }

    @Override
    public void closeObservationByRollback() {
        call("close observation");
    }

    @Override
    public void releaseTargetsAfterAbort() {
        call("release target locks (abort)");
    }

    @Override
    public void abortSource() {
        call("roll back source");
    }

    @Override
    public void stopReverseLog(String id) {
        call("stop reverse log");
    }

    @Override
    public void audit(String entry, Map<String, Object> details) {
        audits.add(new Audited(entry, details));
    }
}
