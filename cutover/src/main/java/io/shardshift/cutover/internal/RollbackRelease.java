package io.shardshift.cutover.internal;

import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finishes a rollback on the targets once the source has committed it, when the rollback itself could not (its
 * process died between the source commit and the targets' commits, or a target's commit failed): locks every
 * target, copies what their logs still hold to the source (a writer that was blocked on the rollback's target locks
 * may have written since) and commits that, then stops the reverse log, lowers the application's fences to the
 * rollback's fence and makes the targets reject application writes ({@link TargetLocks#release}), and finally
 * records on the source that the release is done. Idempotent: run again after a crash anywhere in it, it copies
 * only what is not on the source yet (the progress commits with the copy) and releases again.
 */
public final class RollbackRelease {
    private RollbackRelease() {
    }

    /**
     * Releases the targets of the committed rollback to {@code generation} with fence {@code fence}.
     *
     * @return the writes copied to the source
     * @throws SQLException when a target cannot be locked or the copy fails (nothing is released; run it again)
     */
    public static long finish(MigrationSpec spec, List<TableSchema> tables, long fence, long generation,
                              Duration lockTimeout) throws SQLException {
        TargetLocks locks = TargetLocks.acquire(spec.targets(), tables, lockTimeout);
        try (Connection source = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(),
                spec.source().password())) {
            Map<String, Connection> locked = new LinkedHashMap<>();
            Map<String, Long> everything = new LinkedHashMap<>();
            for (int i = 0; i < locks.size(); i++) {
                locked.put(spec.targets().get(i).name(), locks.get(i));
                everything.put(spec.targets().get(i).name(), Long.MAX_VALUE);
            }
            source.setAutoCommit(false);
            long copied = new LogCopy(spec, tables)
                    .copyInto(source, locked, everything, Long.MAX_VALUE).writes();
            source.commit();
            locks.release(true, fence, generation);
            source.setAutoCommit(true);
            ReverseReplicator.released(source, spec.name());
            return copied;
        } finally {
            locks.release(false, 0, 0);
        }
    }

    /** Records on the source that the last rollback's targets are released (after the rollback released them). */
    public static void recordReleased(MigrationSpec spec) throws SQLException {
        try (Connection source = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(),
                spec.source().password())) {
            ReverseReplicator.released(source, spec.name());
        }
    }
}
