package io.shardshift.engine.run;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.IndexDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.engine.topology.TablePauses;
import io.shardshift.sink.pg.PgProvisioner;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resumes a table paused by a source schema change, after checking that every PostgreSQL target now has
 * exactly the columns the source's changes carry; the targets' own column definitions become the table's
 * schema from then on. It returns once the apply tasks have written the changes they held (within a flush
 * interval), so a drain started afterwards covers them.
 */
final class TableResume {
    /** How long a resume waits for the apply tasks to write the table's parked changes. */
    private static final java.time.Duration RELEASE_WAIT = java.time.Duration.ofSeconds(30);

    private TableResume() {
    }

    static String resume(MigrationSpec spec, TablePauses pauses, TableId table) {
        TablePauses.Pause pause = pauses.pause(table).orElseThrow(() -> new IllegalStateException(
                "table " + table + " is not paused" + (pauses.schema(table) == null ? " (it is not in this migration)" : "")));
        TableSchema before = pauses.schema(table);
        List<ColumnDef> columns = null;
        for (TargetSpec target : spec.targets()) {
            List<ColumnDef> onTarget = PgProvisioner.columnsOnTarget(target, table);
            // generated columns are computed by the target and never in a change
            Set<String> names = new TreeSet<>(onTarget.stream().filter(col -> !col.isGenerated()).map(ColumnDef::name).toList());
            if (!names.equals(new TreeSet<>(pause.eventColumns()))) {
                throw new IllegalStateException("table " + table + " on target " + target.name() + " has columns " + names
                        + " but the source's changes carry " + new TreeSet<>(pause.eventColumns())
                        + ": apply the same DDL to every target first; the table stays paused");
            }
            if (columns != null && !columns.equals(onTarget)) {
                throw new IllegalStateException("table " + table + " differs between targets (" + target.name()
                        + " has " + onTarget + "): make every target alike first; the table stays paused");
            }
            columns = onTarget;
        }
        if (columns == null) {
            throw new IllegalStateException("table " + table + " has no PostgreSQL target to check; it stays paused");
        }
        Set<String> kept = Set.copyOf(columns.stream().map(ColumnDef::name).toList());
        if (!kept.containsAll(before.primaryKey())) {
            throw new IllegalStateException("table " + table + " no longer has its primary key columns "
                    + before.primaryKey() + " on the targets: such a change needs a new migration; it stays paused");
        }
        List<IndexDef> indexes = before.indexes().stream().filter(i -> kept.containsAll(i.columns())).toList();
        pauses.resumed(new TableSchema(table, columns, before.primaryKey(), indexes, before.replicaIdentityFull()));
        boolean written;
        try {
            written = pauses.awaitReleased(table, RELEASE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            written = false;
        }
        return "table " + table + " resumed with columns " + columns.stream().map(ColumnDef::name).toList()
                + (written ? "; its parked changes are applied" : "; its parked changes are being applied");
    }
}
