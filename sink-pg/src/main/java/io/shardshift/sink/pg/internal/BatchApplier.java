package io.shardshift.sink.pg.internal;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.TableId;
import io.shardshift.core.sink.RejectedEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Applies checked events inside a transaction the caller owns: set-based (one statement per table and kind
 * of write), or one event at a time behind savepoints to single out the events the target rejects.
 */
public final class BatchApplier {
    private final String targetName;
    private final Map<String, TableWriter> writers;
    private final Function<SQLException, String> reasons;

    /**
     * @param writers the writers by {@code schema.table}
     * @param reasons turns a database error into a rejection reason (SQLSTATE and message, no secrets)
     */
    public BatchApplier(String targetName, Map<String, TableWriter> writers, Function<SQLException, String> reasons) {
        this.targetName = targetName;
        this.writers = writers;
        this.reasons = reasons;
    }

    /** Reduces the events to one per key and writes each table with one statement per kind of write. */
    public ApplyOutcome applySet(Connection c, List<ChangeEvent> events) throws SQLException {
        List<BatchReducer.TableBatch> batches = BatchReducer.reduce(events);
        lockTables(c, events);
        ApplyOutcome out = new ApplyOutcome();
        for (BatchReducer.TableBatch b : batches) {
            String name = b.table().toString();
            TableWriter w = writers.get(name);
            for (WriteKind kind : WriteKind.values()) {
                out.changed(name, kind, w.write(c, kind, b.get(kind)));
            }
        }
        return out;
    }

    /**
     * Writes the events one by one in order, each behind a savepoint; an event whose write fails with a data
     * error is rolled back alone and rejected with the reason. Other errors are thrown.
     */
    public ApplyOutcome applyOneByOne(Connection c, List<ChangeEvent> events) throws SQLException {
        lockTables(c, events);
        ApplyOutcome out = new ApplyOutcome();
        for (ChangeEvent e : events) {
            String name = e.table().toString();
            WriteKind kind = WriteKind.of(e);
            Savepoint sp = c.setSavepoint();
            try {
                int rows = writers.get(name).write(c, kind, List.of(e));
                c.releaseSavepoint(sp);
                out.changed(name, kind, rows);
            } catch (SQLException ex) {
                if (SqlStates.classify(ex) != SqlStates.Kind.DATA) {
                    throw ex;
                }
                c.rollback(sp);
                out.reject(new RejectedEvent(e, targetName, reasons.apply(ex)));
            }
        }
        return out;
    }

    /**
     * Takes the {@link KeyLocks} the events need, in table name order so two writers never wait on each
     * other in a cycle: exclusive for a table with deletes or a truncate, shared for one with snapshot rows.
     * A truncated table is then locked {@code EXCLUSIVE} (reads go on, writes wait), so no concurrent write of
     * another task checks the fence before the truncate commits and writes an older row after it.
     */
    private static void lockTables(Connection c, List<ChangeEvent> events) throws SQLException {
        Map<String, TableId> ids = new TreeMap<>();
        Map<String, Boolean> exclusive = new TreeMap<>();
        Map<String, TableId> truncated = new TreeMap<>();
        for (ChangeEvent e : events) {
            WriteKind kind = WriteKind.of(e);
            if (kind == WriteKind.UPSERT) {
                continue;
            }
            String name = e.table().toString();
            ids.putIfAbsent(name, e.table());
            exclusive.merge(name, kind == WriteKind.DELETE || kind == WriteKind.TRUNCATE, Boolean::logicalOr);
            if (kind == WriteKind.TRUNCATE) {
                truncated.put(name, e.table());
            }
        }
        for (Map.Entry<String, Boolean> lock : exclusive.entrySet()) {
            KeyLocks.lock(c, ids.get(lock.getKey()), lock.getValue());
        }
        for (TableId table : truncated.values()) {
            try (Statement st = c.createStatement()) {
                st.execute("LOCK TABLE " + table.quoted() + " IN EXCLUSIVE MODE");
            }
        }
    }
}
