package io.shardshift.cutover;

import io.shardshift.audit.AuditTrail;
import io.shardshift.client.ConfigFollower;
import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.cutover.internal.ReverseReplicator;
import io.shardshift.cutover.internal.SourceFreeze;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;

/**
 * The real {@link SwitchState}: the source's reject trigger and observation record, the config topic through a
 * {@link ConfigFollower} (read) and a {@link ConfigPublisher} (write), the alias swap of the {@link CutoverOptions}
 * and the {@link AuditTrail}.
 */
final class LiveSwitchState implements SwitchState {
    private static final String ACTOR = "cutover";

    private final MigrationSpec spec;
    private final List<TableId> tables;
    private final ConfigFollower follower;
    private final ConfigPublisher publisher;
    private final CutoverOptions.AliasSwap aliasSwap;
    private final AuditTrail audit;

    LiveSwitchState(MigrationSpec spec, List<TableId> tables, ConfigFollower follower, ConfigPublisher publisher,
                    CutoverOptions.AliasSwap aliasSwap, AuditTrail audit) {
        this.spec = spec;
        this.tables = List.copyOf(tables);
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
