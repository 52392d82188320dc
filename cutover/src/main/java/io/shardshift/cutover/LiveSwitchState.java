package io.shardshift.cutover;

import io.shardshift.audit.AuditTrail;
import io.shardshift.client.ConfigFollower;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.cutover.internal.ReverseLog;
import io.shardshift.cutover.internal.ReverseReplicator;
import io.shardshift.cutover.internal.RollbackRelease;
import io.shardshift.cutover.internal.SourceFreeze;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real {@link SwitchState}: the source's reject trigger, observation record and pending rollback release, the
 * targets' reverse log and unique indexes, the config topic through a
 * {@link ConfigFollower} (read) and a {@link ConfigPublisher} (write), the alias swap of the {@link CutoverOptions}
 * and the {@link AuditTrail}.
 */
final class LiveSwitchState implements SwitchState {
    private static final String ACTOR = "cutover";

    private final MigrationSpec spec;
    private final List<TableSchema> schemas;
    private final List<TableId> tables;
    private final Duration lockTimeout;
    private final ConfigFollower follower;
    private final ConfigPublisher publisher;
    private final CutoverOptions.AliasSwap aliasSwap;
    private final AuditTrail audit;

    LiveSwitchState(MigrationSpec spec, List<TableSchema> tables, ConfigFollower follower, ConfigPublisher publisher,
                    CutoverOptions options, AuditTrail audit) {
        this.spec = spec;
        this.schemas = List.copyOf(tables);
        this.tables = tables.stream().map(TableSchema::id).toList();
        this.lockTimeout = options.freezeTimeout();
        CutoverOptions.AliasSwap aliasSwap = options.aliasSwap();
        this.follower = follower;
        this.publisher = publisher;
        this.aliasSwap = aliasSwap;
        this.audit = audit;
    }

    @Override
    public long sourceGeneration(long oldGeneration, long newGeneration) throws Exception {
        try (Connection c = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(),
                spec.source().password())) {
            if (!SourceFreeze.rejectsWrites(c, tables)) {
                return oldGeneration;
            }
            ReverseReplicator.prepareSource(c);
            return ReverseReplicator.observation(c, spec.name()).map(ReverseReplicator.Observation::generation)
                    .orElse(newGeneration);
        }
    }

    @Override
    public Optional<ReverseReplicator.PendingRelease> pendingRelease() throws SQLException {
        try (Connection c = connectSource()) {
            ReverseReplicator.prepareSource(c);
            return ReverseReplicator.pendingRelease(c, spec.name());
        }
    }

    @Override
    public void releaseTargets(long fence, long to) throws SQLException {
        RollbackRelease.finish(spec, schemas, fence, to, lockTimeout);
    }

    @Override
    public boolean targetsLogging() throws SQLException {
        for (TargetSpec t : spec.targets()) {
            if (ReverseLog.logging(t, schemas)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void stopReverseLog(String id) {
        for (TargetSpec t : spec.targets()) {
            try {
                ReverseLog.stop(t, schemas);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot remove the reverse log from target " + t.name() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public boolean uniqueEnforced() {
        return UniqueIndexRestore.anyUnique(spec.targets(), schemas);
    }

    @Override
    public void relaxUniqueIndexes() {
        UniqueIndexRestore.relax(spec.targets(), schemas);
    }

    private Connection connectSource() throws SQLException {
        return DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
    }

    @Override
    public boolean writesFrozen() {
        return follower.writesFrozen();
    }

    @Override
    public void publishGeneration(long generation, long previous, String reason) {
        publisher.publishGeneration(generation, previous, reason);
    }

    @Override
    public void publishFreeze(boolean frozen, String reason) {
        publisher.publishFreeze(frozen, reason);
    }

    @Override
    public void swapAlias(long from, long to) throws Exception {
        aliasSwap.swap(from, to);
    }

    @Override
    public void audit(String entry, Map<String, Object> details) {
        audit.append(ACTOR, entry, details);
    }
}
