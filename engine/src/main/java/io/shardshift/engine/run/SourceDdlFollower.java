package io.shardshift.engine.run;

import io.shardshift.cdc.SourceCatalog;
import io.shardshift.cdc.SourceColumns;
import io.shardshift.cdc.SourcePartitions;
import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.Operation;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.AddedColumn;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.Partitioning;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.schema.TypeWidening;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SearchTargetSpec;
import io.shardshift.core.spec.SpecException;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.core.sql.SqlIdentifiers;
import io.shardshift.engine.topology.SchemaFollower;
import io.shardshift.engine.topology.TablePauses;
import io.shardshift.sink.pg.PgProvisioner;
import io.shardshift.sink.pg.PgSchemaChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.stream.Collectors;

/**
 * Follows the source's additive DDL on the PostgreSQL targets while changes stream, reading the source's
 * catalog:
 *
 * <ul>
 *   <li>A change that carries a column the targets lack: the column is added to every target as
 *       {@link SourceColumns} reads it (type, collation, {@code NOT NULL}, the value older rows got), or the
 *       table pauses with the reason when that is not safe.</li>
 *   <li>A change that lacks a column because it predates the column's {@code ADD COLUMN} (an insert, or an
 *       update whose before image lacks it too): the column gets the value the source's rows got then. Such a
 *       change is older than every change that carries the column, so the LSN fence keeps it from writing
 *       over a later value.</li>
 *   <li>Column types: a source column whose type was widened is widened on every target; any other type
 *       change pauses the table, naming the column, both types and the fix.</li>
 * </ul>
 *
 * Every change of the targets' schema happens under the exclusive schema lock of {@link TablePauses}, so
 * no sink writes meanwhile. Thread-safe.
 */
final class SourceDdlFollower implements SchemaFollower {
    private static final Logger LOG = LoggerFactory.getLogger(SourceDdlFollower.class);

    /** A column this run added to the targets: its value before the addition, and the change that carried it. */
    private record Added(String valueBeforeAdd, long firstLsn) {
    }

    private final MigrationSpec spec;
    private final TablePauses pauses;
    private final Map<TableId, Map<String, Added>> added = new ConcurrentHashMap<>();

    SourceDdlFollower(MigrationSpec spec, TablePauses pauses) {
        this.spec = spec;
        this.pauses = pauses;
    }

    @Override
    public Outcome follow(ChangeEvent event) {
        TableId table = event.table();
        if (event.after() == null) {
            return Outcome.pause(null);
        }
        TableSchema current;
        Lock lock = pauses.schemaLock().writeLock();
        lock.lock();
        try {
            current = pauses.schema(table);
            if (current == null) {
                return Outcome.pause(null);
            }
            List<String> unknown = event.after().keySet().stream().filter(c -> current.indexOf(c) < 0).toList();
            if (!unknown.isEmpty()) {
                String refusal = add(table, current, unknown, event.position().lsn());
                if (refusal != null) {
                    return Outcome.pause(refusal);
                }
            }
        } finally {
            lock.unlock();
        }
        ChangeEvent filled = fill(event, pauses.schema(table));
        return filled == null ? Outcome.pause(null) : Outcome.apply(filled);
    }

    @Override
    public ChangeEvent fill(ChangeEvent event, TableSchema onTargets) {
        if (event.after() == null || event.after().keySet().stream().anyMatch(c -> onTargets.indexOf(c) < 0)) {
            return null;
        }
        List<String> missing = onTargets.writableColumns().stream().map(ColumnDef::name)
                .filter(c -> !event.after().containsKey(c)).toList();
        if (missing.isEmpty()) {
            return event;
        }
        if (!predatesItsColumns(event)) {
            return null;
        }
        Map<String, String> after = new LinkedHashMap<>(event.after());
        Map<String, String> before = event.before() == null ? null : new LinkedHashMap<>(event.before());
        for (String column : missing) {
            Optional<String> value = valueBeforeAdd(event.table(), column, event.position().lsn());
            if (value == null) {
                return null;
            }
            after.put(column, value.orElse(null));
            if (before != null) {
                before.put(column, value.orElse(null));
            }
        }
        return ChangeEvent.of(event.op(), event.table(), event.key(), before, after, event.position());
    }

    /**
     * Whether the change lacks columns because the row had none of them: an insert, or an update whose whole
     * before image (REPLICA IDENTITY FULL) has exactly its columns (both are filled alike). An update with another before image may
     * lack an unchanged TOAST value instead, which must never be filled in.
     */
    private static boolean predatesItsColumns(ChangeEvent e) {
        if (e.op() == Operation.CREATE || e.op() == Operation.READ) {
            return true;
        }
        return e.op() == Operation.UPDATE && e.before() != null && e.before().keySet().equals(e.after().keySet());
    }

    /**
     * The value of a column for a change from before its {@code ADD COLUMN} ({@code Optional.empty()} for
     * NULL), or {@code null} when the change may as well be from after the column was dropped again, or the
     * value is not known.
     */
    private Optional<String> valueBeforeAdd(TableId table, String column, long lsn) {
        Added known = added.getOrDefault(table, Map.of()).get(column);
        if (known != null && lsn < known.firstLsn()) {
            return Optional.ofNullable(known.valueBeforeAdd());
        }
        try (Connection c = connect()) {
            SourceColumns.Addition a = new SourceColumns(c).addition(table, column);
            return a.column() == null ? null : Optional.ofNullable(a.column().valueBeforeAdd());
        } catch (SQLException e) {
            LOG.warn("Reading column {} of {} from the source's catalog failed: {}", column, table, e.getMessage());
            return null;
        }
    }

    /** Adds the columns to every target; the reason when it cannot, else {@code null}. Holds the schema lock. */
    private String add(TableId table, TableSchema current, List<String> columns, long lsn) {
        List<AddedColumn> adds = new ArrayList<>();
        TableSchema source;
        try (Connection c = connect()) {
            SourceColumns catalog = new SourceColumns(c);
            for (String column : columns) {
                SourceColumns.Addition a = catalog.addition(table, column);
                if (a.refusal() != null) {
                    return a.refusal() + ". Add such a column in two steps (ADD COLUMN without the default, then"
                            + " UPDATE). Fix: add the column to every target by hand, resume the table, then run"
                            + " `shardshift verify --spec FILE --table " + table + " --repair`";
                }
                adds.add(a.column());
            }
            source = new SourceCatalog(c).read(table);
        } catch (SQLException | IllegalArgumentException e) {
            return "reading new columns " + columns + " of " + table + " from the source failed: " + e.getMessage()
                    + "; resume the table to try again";
        }
        try {
            for (TargetSpec target : spec.targets()) {
                PgSchemaChanges.addColumns(target, source, adds);
            }
        } catch (SinkException e) {
            return "new columns " + columns + " of " + table + " could not be added to the targets: " + e.getMessage();
        }
        List<ColumnDef> now = new ArrayList<>(current.columns());
        adds.forEach(a -> now.add(a.column()));
        pauses.followed(new TableSchema(table, now, current.primaryKey(), current.indexes(),
                current.replicaIdentityFull(), source.userTypes()));
        Map<String, Added> known = added.computeIfAbsent(table, t -> new ConcurrentHashMap<>());
        adds.forEach(a -> known.put(a.column().name(), new Added(a.valueBeforeAdd(), lsn)));
        LOG.info("Source DDL followed at LSN {}: added {} to {} on every PostgreSQL target", Lsn.format(lsn),
                adds, table);
        reportSearch(table, columns);
        return null;
    }

    private void reportSearch(TableId table, List<String> columns) {
        for (SearchTargetSpec s : spec.searchTargets()) {
            if (TableId.parse(s.table()).equals(table)) {
                LOG.warn("Search target {} does not index the new columns {} of {}: its field mapping is fixed when"
                        + " the migration starts. Index them with a new collection version (search[].version)",
                        s.name(), columns, table);
            }
        }
    }

    @Override
    public boolean followTypes(TableId table, long lsn) {
        Lock lock = pauses.schemaLock().writeLock();
        lock.lock();
        try {
            boolean partitions = spec.samePartitioning(table) && createPartitions(table);
            TableSchema current = pauses.schema(table);
            if (current == null || pauses.isPaused(table)) {
                return false;
            }
            TableSchema source;
            try (Connection c = connect()) {
                source = new SourceCatalog(c).read(table);
            }
            Map<String, String> widen = new LinkedHashMap<>();
            List<String> changed = new ArrayList<>();
            for (ColumnDef have : current.columns()) {
                Optional<ColumnDef> now = source.column(have.name());
                if (now.isEmpty() || now.get().type().equals(have.type())) {
                    continue;
                }
                if (TypeWidening.isWidening(have.type(), now.get().type())) {
                    widen.put(have.name(), now.get().type());
                } else {
                    changed.add("column " + have.name() + " changed type from " + have.type() + " to "
                            + now.get().type() + " on the source, which is not a widening. Fix: ALTER TABLE "
                            + table.quoted() + " ALTER COLUMN " + SqlIdentifiers.quote(have.name())
                            + " TYPE " + now.get().type() + " on every target (when every value fits), then resume");
                }
            }
            if (!changed.isEmpty()) {
                pauses.pause(table, String.join("; ", changed), lsn, current.columnNames().stream()
                        .collect(Collectors.toSet()), "Type change on the source");
                return false;
            }
            if (widen.isEmpty()) {
                return partitions;
            }
            for (TargetSpec target : spec.targets()) {
                PgSchemaChanges.alterColumnTypes(target, table, widen);
            }
            List<ColumnDef> columns = current.columns().stream().map(c -> widen.containsKey(c.name())
                    ? new ColumnDef(c.name(), widen.get(c.name()), c.notNull(), c.generated()) : c).toList();
            pauses.followed(new TableSchema(table, columns, current.primaryKey(), current.indexes(),
                    current.replicaIdentityFull(), source.userTypes()));
            LOG.info("Source DDL followed: widened {} of {} on every PostgreSQL target", widen, table);
            return true;
        } catch (SQLException | IllegalArgumentException | SinkException e) {
            pauses.pause(table, "following the column types of " + table + " failed: " + e.getMessage()
                    + "; resume the table to try again", lsn, pauses.schema(table).columnNames().stream()
                    .collect(Collectors.toSet()), "Type change on the source");
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Before a (re)start provisions the targets: adds to each existing target table the columns the source
     * added while the migration was stopped, and widens the types the source widened, as the running
     * migration would have.
     *
     * @throws SpecException naming the table and column when a change cannot be followed safely
     */
    static void catchUp(MigrationSpec spec, List<TableSchema> tables) {
        for (TargetSpec target : spec.targets()) {
            for (TableSchema source : tables) {
                List<ColumnDef> onTarget = PgProvisioner.columnsOnTarget(target, source.id());
                if (onTarget.isEmpty()) {
                    continue;
                }
                catchUp(spec, target, source, onTarget);
            }
        }
    }

    private static void catchUp(MigrationSpec spec, TargetSpec target, TableSchema source, List<ColumnDef> onTarget) {
        TableId table = source.id();
        List<String> have = onTarget.stream().map(ColumnDef::name).toList();
        List<String> missing = source.writableColumns().stream().map(ColumnDef::name).filter(c -> !have.contains(c)).toList();
        if (!missing.isEmpty()) {
            List<AddedColumn> adds = new ArrayList<>();
            try (Connection c = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(),
                    spec.source().password())) {
                for (String column : missing) {
                    SourceColumns.Addition a = new SourceColumns(c).addition(table, column);
                    if (a.refusal() != null) {
                        throw new SpecException("tables", a.refusal() + ". Fix: add the column to target " + target.name()
                                + " by hand, then run `shardshift verify --spec FILE --table " + table + " --repair`");
                    }
                    adds.add(a.column());
                }
            } catch (SQLException e) {
                throw new SpecException("source.jdbcUrl", "reading columns " + missing + " of " + table + " failed: "
                        + e.getMessage(), e);
            }
            PgSchemaChanges.addColumns(target, source, adds);
        }
        Map<String, String> widen = new LinkedHashMap<>();
        for (ColumnDef t : onTarget) {
            source.column(t.name()).filter(s -> TypeWidening.isWidening(t.type(), s.type()))
                    .ifPresent(s -> widen.put(t.name(), s.type()));
        }
        if (!widen.isEmpty()) {
            PgSchemaChanges.alterColumnTypes(target, table, widen);
        }
    }

    /** Creates the source's partitions on every target ({@code IF NOT EXISTS}); whether there were any. */
    private boolean createPartitions(TableId table) {
        try (Connection c = connect()) {
            List<Partitioning.Partition> parts = new SourcePartitions(c).of(table).map(Partitioning::partitions)
                    .orElse(List.of());
            for (Partitioning.Partition part : parts) {
                for (TargetSpec target : spec.targets()) {
                    PgSchemaChanges.addPartition(target, table, part);
                }
            }
            return !parts.isEmpty();
        } catch (SQLException | SinkException e) {
            LOG.warn("Creating the partitions of {} on the targets failed: {}", table, e.getMessage());
            return false;
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
    }
}
