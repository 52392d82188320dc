package io.shardshift.cutover;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The real {@link SwitchEffects} (PostgreSQL), with the config topic recorded instead of published: ITs of a switch
 * on real databases without Kafka. {@code published} gets {@code "frozen true"}, {@code "generation 2"}...
 */
class RecordedConfigTopic implements SwitchEffects {
    private final SwitchEffects real;
    private final List<String> published;

    RecordedConfigTopic(SwitchEffects real, List<String> published) {
        this.real = real;
        this.published = published;
    }

    SwitchEffects real() {
        return real;
    }
    @Override
    public void openSource() throws Exception {
        real.openSource();
    }

    @Override
    public void startReverseLog() throws Exception {
        real.startReverseLog();
    }

    @Override
    public void publishFreeze(boolean frozen, String reason) {
        published.add("frozen " + frozen);
    }

    @Override
    public void lockSource() throws Exception {
        real.lockSource();
    }

    @Override
    public long fenceLsn() throws Exception {
        return real.fenceLsn();
    }

    @Override
    public void awaitApplied(long fence) throws Exception {
        real.awaitApplied(fence);
    }

    @Override
    public void enforceUniqueIndexes() {
        real.enforceUniqueIndexes();
    }

    @Override
    public void relaxUniqueIndexes() {
        real.relaxUniqueIndexes();
    }

    @Override
    public void holdFenceSnapshot() throws Exception {
        real.holdFenceSnapshot();
    }

    @Override
    public void writeManifest(String id, long generation, long fence) throws Exception {
        real.writeManifest(id, generation, fence);
    }

    @Override
    public void dropFenceSnapshot() {
        real.dropFenceSnapshot();
    }

    @Override
    public void rejectWritesOnSource(long generation, Instant observeUntil) throws Exception {
        real.rejectWritesOnSource(generation, observeUntil);
    }

    @Override
    public void allowWritesOnSource() throws Exception {
        real.allowWritesOnSource();
    }

    @Override
    public long copyBack(long fence, long generation) throws Exception {
        return real.copyBack(fence, generation);
    }

    @Override
    public void publishGeneration(long generation, long previous, String reason) {
        published.add("generation " + generation);
    }

    @Override
    public void swapAlias(long from, long to) throws Exception {
        real.swapAlias(from, to);
    }

    @Override
    public void commitSource() throws Exception {
        real.commitSource();
    }

    @Override
    public void releaseTargets(long fence, long to) throws Exception {
        real.releaseTargets(fence, to);
    }

    @Override
    public void openObservation(long generation, Instant until) {
        real.openObservation(generation, until);
    }

    @Override
    public void closeObservationByRollback() {
        real.closeObservationByRollback();
    }

    @Override
    public void releaseTargetsAfterAbort() {
        real.releaseTargetsAfterAbort();
    }

    @Override
    public void abortSource() {
        real.abortSource();
    }

    @Override
    public void stopReverseLog(String id) {
        real.stopReverseLog(id);
    }

    @Override
    public void audit(String entry, Map<String, Object> details) {
        real.audit(entry, details);
    }
}
