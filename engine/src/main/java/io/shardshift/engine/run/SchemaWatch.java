package io.shardshift.engine.run;

import io.shardshift.cdc.LoggingContext;
import io.shardshift.cdc.SourceCatalog;
import io.shardshift.cdc.SourceColumns;
import io.shardshift.cdc.SourcePartitions;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.Partitioning;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.core.sql.SqlIdentifiers;
import io.shardshift.engine.topology.SchemaFollower;
import io.shardshift.engine.topology.TablePauses;
import io.shardshift.sink.pg.PgSchemaChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Checks the source's catalog periodically (and before the cutover gates) for the DDL that no row change
 * reveals:
 *
 * <ul>
 *   <li>a column type changed: followed by {@link SchemaFollower#followTypes} (widened on the targets, or the
 *       table paused);</li>
 *   <li>a partition of a migrated partitioned table detached or dropped: its rows left the table without row
 *       events, so the table is paused naming the partition and the fix;</li>
 *   <li>a new partition of a table whose targets have the same partitioning: created on every target with
 *       the source's bound;</li>
 *   <li>a partition with rows attached: the table is paused (cutover is blocked) while it is copied again, a
 *       fenced backfill that only fills keys holding nothing, then resumed by itself. A new empty partition
 *       needs nothing (its rows arrive as row changes);</li>
 *   <li>a stored generated column added ({@code ADD COLUMN ... GENERATED ALWAYS AS (...) STORED}): change
 *       events never carry generated columns, so no change reveals it; the table is paused naming the column and
 *       the statement that adds it to the targets.</li>
 * </ul>
 */
final class SchemaWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaWatch.class);
    private static final String HAS_ROWS = "SELECT EXISTS (SELECT 1 FROM %s)";

    private final MigrationSpec spec;
    private final TablePauses pauses;
    private final Consumer<TableSchema> copyAgain;
    private final Map<TableId, List<String>> partitions = new ConcurrentHashMap<>();
    private final Map<TableId, Thread> copying = new ConcurrentHashMap<>();
    private final PartitionBaseline baseline;
    private ScheduledExecutorService timer;

    /**
     * @param stateDir  the migration's state directory, where each table's partitions are kept between runs
     * @param copyAgain copies a table to the targets again (a fenced backfill), on the calling thread
     */
    SchemaWatch(MigrationSpec spec, TablePauses pauses, Path stateDir, Consumer<TableSchema> copyAgain) {
        this.spec = spec;
        this.pauses = pauses;
        this.baseline = new PartitionBaseline(stateDir);
        this.copyAgain = copyAgain;
    }

    /**
     * Takes each table's partitions kept in the state directory by the last run as the baseline (or, on a
     * first run, the partitions as they are now), checks at once when they changed while the migrator was
     * stopped, then checks every {@code every}.
     */
    void start(Duration every) {
        boolean changedWhileStopped = false;
        try (Connection c = connect()) {
            SourceColumns catalog = new SourceColumns(c);
            for (TableId t : spec.tableIds()) {
                List<String> now = catalog.leafPartitions(t);
                List<String> kept = baseline.read(t).orElse(now);
                partitions.put(t, kept);
                changedWhileStopped |= !kept.equals(now);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the partitions of " + spec.tableIds() + " failed: " + e.getMessage(), e);
        }
        if (changedWhileStopped) {
            LOG.warn("Partitions of a migrated table changed while the migrator was stopped; following them now");
            checkQuietly();
        } else {
            keepBaseline();
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shardshift-schema-watch");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::checkQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException | SQLException e) {
            LOG.warn("Checking the source's tables for DDL failed (checked again shortly): {}", e.getMessage());
        }
    }

    /** Checks every table now. */
    synchronized void check() throws SQLException {
        try (Connection c = connect()) {
            long lsn = currentLsn(c);
            SourceColumns columns = new SourceColumns(c);
            SourceCatalog catalog = new SourceCatalog(c);
            for (TableId t : spec.tableIds()) {
                checkPartitions(c, columns, t, lsn);
                if (typesDiffer(catalog, t)) {
                    pauses.follower().followTypes(t, lsn);
                }
                checkGeneratedColumns(catalog, t, lsn);
            }
        }
        keepBaseline();
    }

    /**
     * Keeps the partitions of every table that is not paused as the next run's baseline. A paused table (a
     * detached partition, an attached one still being copied) keeps its older baseline, so a restart before
     * the operator or the copy is done finds the change again.
     */
    private void keepBaseline() {
        for (TableId t : spec.tableIds()) {
            if (!pauses.isPaused(t)) {
                baseline.write(t, partitions.getOrDefault(t, List.of()));
            }
        }
    }

    /**
     * Pauses the table when the source has a stored generated column its targets lack: nothing else would
     * reveal it, and the targets would go on without it.
     */
    private void checkGeneratedColumns(SourceCatalog catalog, TableId table, long lsn) throws SQLException {
        TableSchema onTargets = pauses.schema(table);
        if (onTargets == null || pauses.isPaused(table)) {
            return;
        }
        Optional<TableSchema> source = catalog.find(table);
        if (source.isEmpty()) {
            return;
        }
        List<ColumnDef> added = source.get().columns().stream()
                .filter(col -> col.isGenerated() && onTargets.indexOf(col.name()) < 0).toList();
        if (added.isEmpty()) {
            return;
        }
        String statements = added.stream().map(col -> "ALTER TABLE " + table.quoted() + " ADD COLUMN "
                + SqlIdentifiers.quote(col.name()) + " " + col.type() + " GENERATED ALWAYS AS (" + col.generated()
                + ") STORED;").collect(java.util.stream.Collectors.joining(" "));
        pauses.pause(table, "generated column" + (added.size() > 1 ? "s " : " ")
                + added.stream().map(ColumnDef::name).collect(java.util.stream.Collectors.joining(", "))
                + " added to " + table + " on the source; change events do not carry generated columns, so the"
                + " targets would go without it. Fix: on every target run " + statements
                + " then resume the table", lsn, new HashSet<>(onTargets.writableColumns().stream().map(ColumnDef::name).toList()),
                "Generated column added on the source");
    }

    private boolean typesDiffer(SourceCatalog catalog, TableId table) throws SQLException {
        TableSchema onTargets = pauses.schema(table);
        if (onTargets == null || pauses.isPaused(table)) {
            return false;
        }
        Optional<TableSchema> source = catalog.find(table);
        if (source.isEmpty()) {
            return false;
        }
        for (ColumnDef have : onTargets.columns()) {
            Optional<ColumnDef> now = source.get().column(have.name());
            if (now.isPresent() && !now.get().type().equals(have.type())) {
                return true;
            }
        }
        return false;
    }

    private void checkPartitions(Connection c, SourceColumns catalog, TableId table, long lsn) throws SQLException {
        List<String> before = partitions.getOrDefault(table, List.of());
        List<String> now = catalog.leafPartitions(table);
        if (now.equals(before)) {
            return;
        }
        partitions.put(table, now);
        Set<String> columns = new HashSet<>(pauses.schema(table).columnNames());
        if (spec.samePartitioning(table)) {
            try {
                createOnTargets(c, table, now.stream().filter(p -> !before.contains(p)).toList());
            } catch (RuntimeException e) {
                pauses.pause(table, "new partitions of " + table + " could not be created on the targets: "
                        + e.getMessage() + ". Fix: create them there by hand, then resume the table", lsn, columns,
                        "Partition change on the source");
                return;
            }
        }
        List<String> gone = new ArrayList<>(before);
        gone.removeAll(now);
        List<String> attached = new ArrayList<>();
        for (String p : now) {
            if (!before.contains(p) && hasRows(c, p)) {
                attached.add(p);
            }
        }
        if (!gone.isEmpty()) {
            pauses.pause(table, "partition" + (gone.size() > 1 ? "s " : " ") + String.join(", ", gone) + " left "
                    + table + " (DETACH PARTITION or DROP TABLE): its rows left the table without row changes and are"
                    + " still on the targets. Fix: `shardshift verify --spec FILE --table " + table + " --repair`"
                    + " (deletes the target rows the source no longer has), then resume the table", lsn, columns,
                    "Partition change on the source");
        }
        if (!attached.isEmpty()) {
            String reason = "partition" + (attached.size() > 1 ? "s " : " ") + String.join(", ", attached)
                    + " attached to " + table + " with rows that came without row changes: the table is being copied"
                    + " again (a fenced backfill), and resumes by itself when the copy is done";
            pauses.pause(table, reason, lsn, columns, "Partition change on the source");
            Thread copy = new Thread(() -> copy(table, reason), "shardshift-partition-copy");
            copy.setDaemon(true);
            copying.put(table, copy);
            copy.start();
        }
        LOG.info("Partitions of {} at LSN {}: {} (were {})", table, Lsn.format(lsn), now, before);
    }

    /**
     * Creates the new partitions on every target, with the bounds the source gives them ({@code IF NOT EXISTS}
     * for each of the source's partitions, so the existing ones are left as they are).
     */
    private void createOnTargets(Connection c, TableId table, List<String> added) throws SQLException {
        if (added.isEmpty()) {
            return;
        }
        Optional<Partitioning> p = new SourcePartitions(c).of(table);
        for (Partitioning.Partition part : p.map(Partitioning::partitions).orElse(List.of())) {
            for (TargetSpec target : spec.targets()) {
                PgSchemaChanges.addPartition(target, table, part);
            }
        }
    }

    private void copy(TableId table, String reason) {
        try (LoggingContext.Scope ignored = LoggingContext.forMigration(spec.name())
                .with(LoggingContext.PHASE, "backfill").with(LoggingContext.TABLE, table.toString())) {
            copyAgain.accept(pauses.schema(table));
            Optional<TablePauses.Pause> pause = pauses.pause(table);
            if (pause.isPresent() && pause.get().reason().equals(reason)) {
                pauses.resumed(pauses.schema(table));
                LOG.info("Table {} copied again after a partition was attached; resumed", table);
            }
        } catch (RuntimeException e) {
            LOG.error("Copying {} again after a partition was attached failed: {}. It stays paused; run `shardshift"
                    + " migrate --rebackfill {}`, then resume the table", table, e.getMessage(), table);
        } finally {
            copying.remove(table);
        }
    }

    private static boolean hasRows(Connection c, String partition) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(String.format(HAS_ROWS, partition));
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static long currentLsn(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_current_wal_lsn()::text"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
    }

    @Override
    public void close() {
        copying.values().forEach(Thread::interrupt);
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
