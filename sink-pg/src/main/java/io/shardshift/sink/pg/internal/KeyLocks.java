package io.shardshift.sink.pg.internal;

import io.shardshift.core.event.TableId;
import io.shardshift.core.layout.Murmur3;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Per-table transaction-scoped advisory locks that keep a delete and a snapshot insert of the same key from
 * passing each other. Without them, a snapshot insert could check for a tombstone before a concurrent
 * delete commits it, and then insert the deleted row (a delete that finds no row has nothing to wait on).
 * Snapshot inserts take the lock shared, deletes take it exclusive; streamed upserts need none, since the
 * primary key index already orders them against snapshot inserts. Take it before the statement it guards,
 * so that statement's snapshot sees what the other side committed.
 */
public final class KeyLocks {
    /** First half of every lock key: marks Shardshift's advisory locks. */
    static final int NAMESPACE = 0x53534654;

    private KeyLocks() {
    }

    /** The second half of the lock key of a table. */
    public static int tableKey(TableId table) {
        return Murmur3.hash32(table.toString(), 0);
    }

    /** Takes the table's lock until the end of the transaction, exclusive for deletes, shared otherwise. */
    public static void lock(Connection c, TableId table, boolean exclusive) throws SQLException {
        String sql = exclusive ? "SELECT pg_advisory_xact_lock(?, ?)" : "SELECT pg_advisory_xact_lock_shared(?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, NAMESPACE);
            ps.setInt(2, tableKey(table));
            ps.execute();
        }
    }
}
