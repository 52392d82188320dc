package io.shardshift.sink.pg;

import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.sink.ChangeSink;
import io.shardshift.core.sink.RejectedEvent;
import io.shardshift.core.sink.SinkException;
import io.shardshift.core.spec.SpecDefaults;
import io.shardshift.core.spec.TargetSpec;
import io.shardshift.sink.pg.internal.ApplyOutcome;
import io.shardshift.sink.pg.internal.Backoff;
import io.shardshift.sink.pg.internal.BatchApplier;
import io.shardshift.sink.pg.internal.EventCheck;
import io.shardshift.sink.pg.internal.PgSession;
import io.shardshift.sink.pg.internal.SchemaCheck;
import io.shardshift.sink.pg.internal.TableCounters;
import io.shardshift.sink.pg.internal.TableSql;
import io.shardshift.sink.pg.internal.TableWriter;
import io.shardshift.sink.pg.internal.Targets;
import io.shardshift.sink.pg.internal.WriteKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies change events to one PostgreSQL target with idempotent writes fenced by source LSN, on tables made
 * by {@link PgProvisioner}.
 *
 * <p>Each batch of at most {@code batchSize} events is one transaction: it is reduced to the last event per
 * key, then each table gets at most three set-based statements (streamed upserts, snapshot inserts,
 * deletes). A streamed write applies only where the stored fence {@code _ss_lsn} is lower than its LSN and
 * no tombstone of the key is at or above it; snapshot rows only fill keys with neither row nor tombstone;
 * deletes remove older rows and leave a tombstone. Retriable errors (SQLSTATE classes 40, 53, 57) retry
 * the batch with exponential backoff on a new connection if needed; an outage (connection refused, reset or
 * timed out after {@link SpecDefaults#APPLY_SOCKET_TIMEOUT}, the server shutting down or starting) is tried
 * once more on a new connection, then thrown as {@link io.shardshift.core.sink.TargetUnavailableException}
 * for the caller to wait out and apply the batch again; data errors (classes 22, 23, ...)
 * replay the batch one event at a time and reject only the events that fail. Events the target can never
 * take (a table it does not hold, a column it lacks, a key that is not the primary key) are rejected before
 * any write. A TRUNCATE runs first in its batch: it deletes the table's rows older than its LSN and raises the
 * table's truncate fence, which keeps out older streamed changes and every later snapshot row. A column missing from an event's {@code after} image takes its {@code before}
 * value, else NULL.
 *
 * <pre>{@code
 * try (PgTargetSink sink = PgTargetSink.open(target, tables, 1000, 5)) {
 *     List<RejectedEvent> rejected = sink.apply(events);   // send these to the dead-letter topic
 * }
 * }</pre>
 *
 * <p>{@link #apply} calls are serialized; the counters and {@link #appliedLsn()} may be read from any thread.
 * When {@code apply} throws {@link SinkException}, earlier chunks of that call may be committed: apply the
 * whole batch again (it is idempotent).
 */
public final class PgTargetSink implements ChangeSink {
    private static final Logger LOG = LoggerFactory.getLogger(PgTargetSink.class);

    private final TargetSpec target;
    private final int batchSize;
    private final Map<String, TableSql> tables;
    private final Map<String, TableCounters> counters;
    private final PgSession session;
    private final BatchApplier applier;
    private final AtomicLong appliedLsn = new AtomicLong();
    private volatile boolean closed;

    private PgTargetSink(TargetSpec target, int batchSize, Map<String, TableSql> tables, PgSession session) {
        this.target = target;
        this.batchSize = batchSize;
        this.tables = tables;
        this.session = session;
        Map<String, TableWriter> writers = new LinkedHashMap<>();
        Map<String, TableCounters> c = new LinkedHashMap<>();
        tables.forEach((name, sql) -> {
            writers.put(name, new TableWriter(sql));
            c.put(name, new TableCounters());
        });
        this.counters = Collections.unmodifiableMap(c);
        this.applier = new BatchApplier(target.name(), writers, session::reason);
    }

    /**
     * Opens a sink on a provisioned target and checks that every table is there as expected.
     *
     * @param batchSize  the most events applied in one transaction (larger batches are split)
     * @param maxRetries how many times a batch is retried after a retriable error that is not an outage
     * @throws IllegalArgumentException when an argument or table definition is not valid
     * @throws io.shardshift.core.sink.TargetUnavailableException when the target cannot be reached
     * @throws SinkException            naming the table and column when a table is missing or differs
     */
    public static PgTargetSink open(TargetSpec target, List<TableSchema> tables, int batchSize, int maxRetries) {
        Objects.requireNonNull(target, "target");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1: " + batchSize);
        }
        if (tables == null || tables.isEmpty()) {
            throw new IllegalArgumentException("no tables given for " + Targets.describe(target));
        }
        Map<String, TableSql> sql = new LinkedHashMap<>();
        for (TableSchema t : tables) {
            if (sql.put(t.id().toString(), new TableSql(t)) != null) {
                throw new IllegalArgumentException("table " + t.id() + " is given twice");
            }
        }
        PgSession session = new PgSession(target, "sink", maxRetries, Backoff.DEFAULT, null)
                .outagesToCaller(SpecDefaults.APPLY_SOCKET_TIMEOUT);
        try {
            SchemaCheck.requireProvisioned(session, tables);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        LOG.info("PostgreSQL sink open on {} for tables {}", Targets.describe(target), sql.keySet());
        return new PgTargetSink(target, batchSize, Collections.unmodifiableMap(sql), session);
    }

    @Override
    public String name() {
        return target.name();
    }

    @Override
    public synchronized List<RejectedEvent> apply(List<ChangeEvent> batch) {
        if (closed) {
            throw new IllegalStateException("sink for " + Targets.describe(target) + " is closed");
        }
        List<RejectedEvent> rejected = new ArrayList<>();
        for (int from = 0; from < batch.size(); from += batchSize) {
            rejected.addAll(applyChunk(batch.subList(from, Math.min(batch.size(), from + batchSize))));
        }
        return rejected;
    }

    private List<RejectedEvent> applyChunk(List<ChangeEvent> chunk) {
        List<RejectedEvent> rejected = new ArrayList<>();
        List<ChangeEvent> valid = new ArrayList<>(chunk.size());
        for (ChangeEvent e : chunk) {
            String problem = EventCheck.problem(e, tables);
            if (problem == null) {
                valid.add(e);
            } else {
                rejected.add(new RejectedEvent(e, target.name(), problem));
            }
        }
        ApplyOutcome outcome = valid.isEmpty() ? new ApplyOutcome() : write(valid);
        rejected.addAll(outcome.rejected());
        count(chunk, outcome, rejected);
        for (RejectedEvent r : rejected) {
            LOG.warn("{} rejected {}: {}", Targets.describe(target), r.event(), r.reason());
        }
        long maxFence = chunk.stream().mapToLong(e -> e.position().fence()).max().orElse(0);
        appliedLsn.accumulateAndGet(maxFence, Math::max);
        return rejected;
    }

    private ApplyOutcome write(List<ChangeEvent> events) {
        try {
            return session.inTransaction(() -> describe("applying", events), c -> applier.applySet(c, events));
        } catch (SQLException dataError) {
            LOG.warn("{} on {} hit a data error ({}); applying its events one by one", describe("batch", events),
                    Targets.describe(target), session.reason(dataError));
        }
        try {
            return session.inTransaction(() -> describe("applying one by one", events),
                    c -> applier.applyOneByOne(c, events));
        } catch (SQLException e) {
            throw new SinkException(describe("applying one by one", events) + " failed on "
                    + Targets.describe(target) + ": " + session.reason(e), e);
        }
    }

    private void count(List<ChangeEvent> chunk, ApplyOutcome outcome, List<RejectedEvent> rejected) {
        Map<String, long[]> perTable = new LinkedHashMap<>();
        for (ChangeEvent e : chunk) {
            perTable.computeIfAbsent(e.table().toString(), t -> new long[2])[0]++;
        }
        for (RejectedEvent r : rejected) {
            perTable.computeIfAbsent(r.event().table().toString(), t -> new long[2])[1]++;
        }
        perTable.forEach((name, n) -> {
            TableCounters c = counters.get(name);
            if (c != null) {
                c.record(n[0], outcome.changed(name, WriteKind.UPSERT), outcome.changed(name, WriteKind.SNAPSHOT_INSERT),
                        outcome.changed(name, WriteKind.DELETE), n[1]);
            }
        });
    }

    private static String describe(String what, List<ChangeEvent> events) {
        TreeSet<String> names = new TreeSet<>();
        long min = Long.MAX_VALUE;
        long max = -1;
        for (ChangeEvent e : events) {
            names.add(e.table().toString());
            if (!e.position().snapshot()) {
                min = Math.min(min, e.position().lsn());
                max = Math.max(max, e.position().lsn());
            }
        }
        String range = max < 0 ? "snapshot rows only" : "LSN " + Lsn.format(min) + ".." + Lsn.format(max);
        return what + " " + events.size() + " events of " + names + " (" + range + ")";
    }

    /** The highest fence (source LSN) of the batches applied so far; 0 before the first streamed event. */
    public long appliedLsn() {
        return appliedLsn.get();
    }

    /** What the sink did to each of its tables since it was opened. */
    public Map<TableId, TableStats> stats() {
        Map<TableId, TableStats> out = new LinkedHashMap<>();
        counters.forEach((name, c) -> out.put(tables.get(name).table().id(), c.snapshot()));
        return out;
    }

    /** What the sink did to one table since it was opened. */
    public TableStats stats(TableId table) {
        TableCounters c = counters.get(table.toString());
        if (c == null) {
            throw new IllegalArgumentException("table " + table + " is not handled by sink " + target.name());
        }
        return c.snapshot();
    }

    @Override
    public synchronized void close() {
        closed = true;
        session.close();
    }

    @Override
    public String toString() {
        return "PgTargetSink[" + Targets.describe(target) + "]";
    }
}
