package io.shardshift.sink.pg;

import io.shardshift.core.event.Lsn;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.sink.pg.internal.Backoff;
import io.shardshift.sink.pg.internal.Names;
import io.shardshift.sink.pg.internal.PgSession;
import io.shardshift.sink.pg.internal.Targets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Removes tombstones that can no longer matter. A tombstone stops a late snapshot row or a replayed older
 * event from bringing a deleted row back; once the backfill is done and every target has applied the stream
 * past an LSN, tombstones below it guard against nothing.
 */
public final class TombstoneJanitor {
    private static final Logger LOG = LoggerFactory.getLogger(TombstoneJanitor.class);
    private static final int MAX_RETRIES = 3;

    private final TargetSpec target;

    public TombstoneJanitor(TargetSpec target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /**
     * Deletes the tombstones whose fence is below the LSN (of every table on the target).
     *
     * @return how many were deleted
     * @throws SinkException when the target fails past the retries
     */
    public int purgeTombstonesBelow(long lsn) {
        int purged = run("purging tombstones below " + Lsn.format(lsn), "DELETE FROM " + Names.TOMBSTONES_QUOTED
                + " WHERE lsn < ?", lsn, true);
        LOG.info("Purged {} tombstones below {} on {}", purged, Lsn.format(lsn), Targets.describe(target));
        return purged;
    }

    /** How many tombstones the target holds. */
    public long tombstoneCount() {
        return run("counting tombstones", "SELECT count(*) FROM " + Names.TOMBSTONES_QUOTED + " WHERE lsn >= ?",
                0L, false);
    }

    private int run(String what, String statement, long lsn, boolean update) {
        try (PgSession session = new PgSession(target, "janitor", MAX_RETRIES, Backoff.DEFAULT, null)) {
            return session.inTransaction(() -> what, c -> {
                try (PreparedStatement ps = c.prepareStatement(statement)) {
                    ps.setLong(1, lsn);
                    if (update) {
                        return ps.executeUpdate();
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getInt(1);
                    }
                }
            });
        } catch (SQLException e) {
            throw new SinkException(what + " failed on " + Targets.describe(target) + ": " + e.getMessage(), e);
        }
    }
}
