package io.shardshift.engine.topology;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;

/**
 * Follows a source table's DDL on the targets while changes stream, where that is safe: the apply topology
 * calls it for a change whose columns differ from its table's columns on the targets, and after a target
 * rejected a value of a table. It runs on a stream (or writer) thread and may change the targets; it updates
 * the table's schema in {@link TablePauses} when it did. Implementations are thread-safe.
 */
public interface SchemaFollower {

    /**
     * What to do with a change that does not fit its table on the targets.
     *
     * @param event       the change to apply instead (the same, or with values filled in), or {@code null}
     * @param pauseReason why the table must pause, or {@code null} to pause with the apply's own description
     *                    of the difference (when {@code event} is {@code null})
     */
    record Outcome(ChangeEvent event, String pauseReason) {
        /** Apply this change (the targets now fit it). */
        public static Outcome apply(ChangeEvent event) {
            return new Outcome(event, null);
        }

        /** Pause the table for this reason ({@code null}: the apply's own description of the difference). */
        public static Outcome pause(String reason) {
            return new Outcome(null, reason);
        }
    }

    /** Follows nothing: every difference pauses its table. */
    SchemaFollower NONE = new SchemaFollower() {
        @Override
        public Outcome follow(ChangeEvent event) {
            return Outcome.pause(null);
        }

        @Override
        public ChangeEvent fill(ChangeEvent event, TableSchema onTargets) {
            return null;
        }

        @Override
        public boolean followTypes(TableId table, long lsn) {
            return false;
        }
    };

    /**
     * Handles a change whose columns differ from its table's on the targets: adds the columns the source
     * added, fills in a column the change predates, or says why the table must pause.
     */
    Outcome follow(ChangeEvent event);

    /**
     * The change with a value for each column of {@code onTargets} it lacks because it predates the column's
     * {@code ADD COLUMN} (the value the source's rows got then), or {@code null} when a missing column cannot
     * be filled that way. Changes nothing on the targets.
     */
    ChangeEvent fill(ChangeEvent event, TableSchema onTargets);

    /**
     * Compares the table's column types on the source with the targets': widens the targets' columns where
     * the source widened them, and pauses the table when a type changed otherwise. For targets with the
     * source's partitioning, also creates the source's partitions they lack.
     *
     * @param lsn a source LSN at or after the type change (for a pause)
     * @return whether a target's column type was changed (a rejected value may fit now)
     */
    boolean followTypes(TableId table, long lsn);
}
