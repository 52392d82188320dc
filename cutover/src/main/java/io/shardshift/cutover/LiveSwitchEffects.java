package io.shardshift.cutover;

import io.shardshift.audit.AuditTrail;
import io.shardshift.audit.ManifestRecords;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.cutover.internal.ObservationWindow;
import io.shardshift.cutover.internal.LogCopy;
import io.shardshift.cutover.internal.ReverseLog;
import io.shardshift.cutover.internal.ReverseReplicator;
import io.shardshift.cutover.internal.RollbackRelease;
import io.shardshift.cutover.internal.SourceFreeze;
import io.shardshift.cutover.internal.TargetLocks;
import io.shardshift.verify.manifest.FenceSnapshot;
import io.shardshift.verify.manifest.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The real side effects of a {@link LayoutSwitch} run: a {@link SourceFreeze} on the source, the
 * {@link ReverseLog} and {@link TargetLocks} on the targets, the {@link ConfigPublisher}, the drainer, the alias
 * swap of the {@link CutoverOptions}, the {@link ObservationWindow} and the {@link AuditTrail}.
 */
final class LiveSwitchEffects implements SwitchEffects {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSwitchEffects.class);
    private static final String ACTOR = "cutover";
    /** The most rows of one target in a manifest chunk (the verifier's default chunk). */
    private static final int MANIFEST_CHUNK_ROWS = 10_000;

    private final MigrationSpec spec;
    private final List<TableSchema> tables;
    private final CutoverController.Drainer drainer;
    private final ConfigPublisher publisher;
    private final AuditTrail audit;
    private final CutoverOptions options;
    private final ObservationWindow observation;
    private SourceFreeze freeze;
    private TargetLocks targetLocks = TargetLocks.none();
    private FenceSnapshot fenceSnapshot;

    LiveSwitchEffects(MigrationSpec spec, List<TableSchema> tables, CutoverController.Drainer drainer,
                      ConfigPublisher publisher, AuditTrail audit, CutoverOptions options, ObservationWindow observation) {
        this.spec = spec;
        this.tables = tables;
        this.drainer = drainer;
        this.publisher = publisher;
        this.audit = audit;
        this.options = options;
        this.observation = observation;
    }

    @Override
    public void openSource() throws SQLException {
        freeze = SourceFreeze.open(spec.source().jdbcUrl(), spec.source().user(), spec.source().password(), tableIds(),
                SourceFreeze.Bounds.forPause(options.freezeTimeout(), options.drainTimeout()));
    }

    @Override
    public void startReverseLog() throws SQLException {
        for (TargetSpec t : spec.targets()) {
            ReverseLog.start(t, tables);
        }
    }

    @Override
    public void publishFreeze(boolean frozen, String reason) {
        publisher.publishFreeze(frozen, reason);
    }

    @Override
    public void lockSource() throws SQLException {
        freeze.lock(options.freezeTimeout());
    }

    @Override
    public long fenceLsn() throws SQLException {
        return freeze.fenceLsn();
    }

    @Override
    public void awaitApplied(long fence) throws Exception {
        drainer.awaitApplied(fence, options.drainTimeout());
    }

    @Override
    public void enforceUniqueIndexes() {
        UniqueIndexRestore.enforce(spec.targets(), tables);
    }

    @Override
    public void relaxUniqueIndexes() {
        UniqueIndexRestore.relax(spec.targets(), tables);
    }

    @Override
    public void holdFenceSnapshot() throws SQLException {
        fenceSnapshot = FenceSnapshot.take(spec.targets());
    }

    @Override
    public void writeManifest(String id, long generation, long fence) throws SQLException {
        FenceSnapshot snapshot = fenceSnapshot;
        fenceSnapshot = null;
        if (snapshot == null) {
            throw new IllegalStateException("no fence snapshot is held");
        }
        try (snapshot) {
            long started = System.nanoTime();
            Manifest manifest = snapshot.manifest(spec.name(), id, generation, fence, tables, spec::shardKeyOf,
                    MANIFEST_CHUNK_ROWS);
            Map<String, Object> recorded = ManifestRecords.record(audit, ACTOR, manifest);
            LOG.info("{}: integrity manifest of generation {} at fence {}: {} rows in {} chunks, {} ({} ms)", id, generation,
                    manifest.fenceLsn(), recorded.get("rows"), recorded.get("chunks"), recorded.get("file"),
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    @Override
    public void dropFenceSnapshot() {
        FenceSnapshot snapshot = fenceSnapshot;
        fenceSnapshot = null;
        if (snapshot != null) {
            snapshot.close();
        }
    }

    @Override
    public void rejectWritesOnSource(long generation, Instant observeUntil) throws SQLException {
        ReverseReplicator.begin(freeze.connection(), spec.name(), targetNames(), generation, observeUntil);
        freeze.rejectWritesFromNowOn(generation, shardKeys(), spec.tenants());
    }

    @Override
    public void allowWritesOnSource() throws SQLException {
        freeze.allowWrites();
    }

    @Override
    public long copyBack(long fence, long generation) throws SQLException {
        targetLocks = TargetLocks.acquire(spec.targets(), tables, options.freezeTimeout());
        LogCopy copier = new LogCopy(spec, tables);
        Map<String, Connection> locked = new LinkedHashMap<>();
        Map<String, Long> everything = new LinkedHashMap<>();
        for (int i = 0; i < targetLocks.size(); i++) {
            locked.put(spec.targets().get(i).name(), targetLocks.get(i));
            everything.put(spec.targets().get(i).name(), Long.MAX_VALUE);
        }
        long copied = copier.copyInto(freeze.connection(), locked, everything, Long.MAX_VALUE).writes();
        ReverseReplicator.endByRollback(freeze.connection(), spec.name(), fence, generation);
        return copied;
    }

    @Override
    public void publishGeneration(long generation, long previous, String reason) {
        publisher.publishGeneration(generation, previous, reason);
    }

    @Override
    public void swapAlias(long from, long to) throws Exception {
        options.aliasSwap().swap(from, to);
    }

    @Override
    public void commitSource() throws SQLException {
        SourceFreeze f = freeze;
        freeze = null;
        try {
            f.commit();
        } finally {
            f.close();
        }
    }

    @Override
    public void releaseTargets(long fence, long to) throws SQLException {
        TargetLocks locks = targetLocks;
        targetLocks = TargetLocks.none();
        if (locks.size() > 0) {
            locks.release(true, fence, to);
            RollbackRelease.recordReleased(spec);
        } else {
            RollbackRelease.finish(spec, tables, fence, to, options.freezeTimeout());
        }
    }

    @Override
    public void openObservation(long generation, Instant until) {
        observation.open(generation, until);
    }

    @Override
    public void closeObservationByRollback() {
        observation.closedByRollback();
    }

    @Override
    public void releaseTargetsAfterAbort() {
        TargetLocks locks = targetLocks;
        targetLocks = TargetLocks.none();
        locks.release(false, 0, 0);
    }

    @Override
    public void abortSource() {
        SourceFreeze f = freeze;
        freeze = null;
        if (f != null) {
            try {
                f.abort();
            } finally {
                f.close();
            }
        }
    }

    @Override
    public void stopReverseLog(String id) {
        for (TargetSpec t : spec.targets()) {
            try {
                ReverseLog.stop(t, tables);
            } catch (SQLException e) {
                LOG.warn("{}: cannot remove the reverse log trigger on {}: {}", id, t.name(), e.getMessage());
            }
        }
    }

    @Override
    public void audit(String entry, Map<String, Object> details) {
        audit.append(ACTOR, entry, details);
    }

    private List<TableId> tableIds() {
        return tables.stream().map(TableSchema::id).toList();
    }

    private List<String> targetNames() {
        return spec.targets().stream().map(TargetSpec::name).toList();
    }

    private Map<TableId, String> shardKeys() {
        return tables.stream().collect(Collectors.toMap(TableSchema::id, t -> spec.shardKeyOf(t.id())));
    }
}
