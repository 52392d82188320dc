package io.shardshift.engine.topology;

import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;

/**
 * The tables whose changes are held because their source schema changed in a way the targets cannot take,
 * and the schema each table's targets have now. Shared by every apply task of one runner: the first task
 * that meets a change with a different set of columns pauses the table, and from then on every task parks
 * the table's changes in order (none is applied, skipped or dead-lettered) until the operator has applied
 * the same DDL to the targets and {@linkplain #resumed resumed} it. What the targets can follow by themselves
 * (an added column, a widened type) its {@link SchemaFollower} follows first, and the table's schema here
 * changes without a pause ({@link #followed}).
 *
 * <p>Thread-safe.
 */
public final class TablePauses {
    private static final Logger LOG = LoggerFactory.getLogger(TablePauses.class);

    /**
     * Why a table is paused.
     *
     * @param table        the table
     * @param reason       what differs, naming the column
     * @param lsn          the source LSN of the first change seen with the new schema
     * @param eventColumns the columns that change carries
     * @param sinceMillis  when the table was paused
     */
    public record Pause(TableId table, String reason, long lsn, Set<String> eventColumns, long sinceMillis) {
        public Pause {
            eventColumns = Set.copyOf(eventColumns);
        }

        /** One line for a status, e.g. {@code public.orders paused at LSN 0/16B3748: column note is missing}. */
        public String describe() {
            return table + " paused at LSN " + Lsn.format(lsn) + ": " + reason;
        }
    }

    /**
     * A table's schema on the targets and the LSN from which source changes carry it (0 for the schema the
     * targets were provisioned with).
     */
    private record Current(TableSchema schema, long sinceLsn, Set<String> previousColumns) {
    }

    private final Map<TableId, Current> schemas = new ConcurrentHashMap<>();
    private final Map<TableId, Pause> paused = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();
    private final ReadWriteLock changes = new ReentrantReadWriteLock();
    private volatile SchemaFollower follower = SchemaFollower.NONE;
    private final Map<TableId, Integer> holders = new java.util.HashMap<>();

    /** @param tables the tables as the targets were provisioned */
    public TablePauses(Collection<TableSchema> tables) {
        tables.forEach(t -> schemas.put(t.id(), new Current(t, 0, Set.of())));
    }

    /** What follows source DDL on the targets; {@link SchemaFollower#NONE} until one is set. */
    public SchemaFollower follower() {
        return follower;
    }

    /** Sets what follows source DDL on the targets (once, before apply starts). */
    public void follow(SchemaFollower follower) {
        this.follower = follower;
    }

    /**
     * A number that grows whenever a table's schema on the targets changes: a writer that opened its sinks at
     * an older version must open them again before writing a change checked against the newer schema.
     */
    public long version() {
        return version.get();
    }

    /**
     * Held while a sink writes (shared), and while the targets' schema of a table is changed (exclusive), so no
     * batch is written with sinks of one schema while the targets change to another.
     */
    public ReadWriteLock schemaLock() {
        return changes;
    }

    /**
     * Records that the targets now have this schema for its table (a schema change was followed), without
     * touching a pause. The version grows after the schema is in place.
     */
    public void followed(TableSchema schemaOnTargets) {
        Current old = schemas.get(schemaOnTargets.id());
        schemas.put(schemaOnTargets.id(), new Current(schemaOnTargets, old == null ? 0 : old.sinceLsn(),
                old == null ? Set.of() : old.previousColumns()));
        version.incrementAndGet();
        LOG.info("Table {} now has columns {} on the targets", schemaOnTargets.id(), schemaOnTargets.columns());
    }

    /** A registry that knows no table schema, so nothing is compared and nothing pauses (docs, tests). */
    public static TablePauses none() {
        return new TablePauses(List.of());
    }

    /** The table's schema on the targets now, or {@code null} when it is not known here. */
    public TableSchema schema(TableId table) {
        Current c = schemas.get(table);
        return c == null ? null : c.schema();
    }

    /** Every known table's schema on the targets now. */
    public List<TableSchema> schemas() {
        return schemas.values().stream().map(Current::schema).toList();
    }

    /**
     * Columns a change older than the table's current schema may still carry although the targets no
     * longer have them (they were dropped on the source and then on the targets), or empty: the columns of
     * the schema before the last resume that the current one lacks.
     */
    public Set<String> droppedBefore(TableId table, long lsn) {
        Current c = schemas.get(table);
        return c == null || lsn >= c.sinceLsn() ? Set.of() : c.previousColumns();
    }

    /** Whether the table's changes are held. */
    public boolean isPaused(TableId table) {
        return paused.containsKey(table);
    }

    /** Why the table is paused, if it is. */
    public Optional<Pause> pause(TableId table) {
        return Optional.ofNullable(paused.get(table));
    }

    /** The paused tables, by name. */
    public List<Pause> paused() {
        return paused.values().stream().sorted(Comparator.comparing(p -> p.table().toString())).toList();
    }

    /**
     * Pauses a table, or keeps the earliest LSN of a table another task paused already.
     *
     * @return the pause now in force
     */
    public Pause pause(TableId table, String reason, long lsn, Set<String> eventColumns) {
        return pause(table, reason, lsn, eventColumns, "Schema change on the source");
    }

    /**
     * Pauses a table for a reason other than a change's columns (a type change, a partition attached or
     * detached), or keeps the earliest LSN of a table paused already.
     *
     * @param what what happened, for the log line
     * @return the pause now in force
     */
    public Pause pause(TableId table, String reason, long lsn, Set<String> eventColumns, String what) {
        Pause now = paused.merge(table, new Pause(table, reason, lsn, eventColumns, System.currentTimeMillis()),
                (old, fresh) -> fresh.lsn() < old.lsn() ? new Pause(table, fresh.reason(), fresh.lsn(),
                        fresh.eventColumns(), old.sinceMillis()) : old);
        LOG.warn("{}: {}. Its changes are held until the operator acts and the table is resumed"
                + " (POST /v1/tables/resume)", what, now.describe());
        return now;
    }

    /** Records that one more apply task holds parked changes of the table. */
    public void holding(TableId table) {
        synchronized (holders) {
            holders.merge(table, 1, Integer::sum);
        }
    }

    /** Records that an apply task has written the parked changes of the table it held. */
    public void released(TableId table) {
        synchronized (holders) {
            holders.computeIfPresent(table, (t, n) -> n > 1 ? n - 1 : null);
            holders.notifyAll();
        }
    }

    /**
     * Waits until no apply task holds parked changes of the table (after a resume, they are written within a
     * flush interval); false when some still do after the timeout.
     */
    public boolean awaitReleased(TableId table, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (holders) {
            while (holders.containsKey(table)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(holders, left);
            }
            return true;
        }
    }

    /** Pauses a table again after a restart, from the pause recorded with its parked changes. */
    public void restore(Pause pause) {
        paused.putIfAbsent(pause.table(), pause);
    }

    /**
     * Lets the table's changes through again with the schema its targets now have (checked by the caller).
     */
    public void resumed(TableSchema schemaOnTargets) {
        Pause p = paused.get(schemaOnTargets.id());
        long since = p == null ? 0 : p.lsn();
        Current old = schemas.get(schemaOnTargets.id());
        Set<String> previous = old == null ? Set.of() : old.schema().columnNames().stream()
                .filter(c -> schemaOnTargets.indexOf(c) < 0).collect(Collectors.toUnmodifiableSet());
        schemas.put(schemaOnTargets.id(), new Current(schemaOnTargets, since, previous));
        version.incrementAndGet();
        paused.remove(schemaOnTargets.id());
        LOG.info("Table {} resumed with columns {} on the targets", schemaOnTargets.id(), schemaOnTargets.columnNames());
    }
}
