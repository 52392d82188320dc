package io.shardshift.engine.topology.internal;

import io.shardshift.cdc.LoggingContext;
import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.sink.ChangeSink;
import io.shardshift.core.sink.RejectedEvent;
import io.shardshift.core.sink.SinkException;
import io.shardshift.engine.topology.ApplyMetrics;
import io.shardshift.engine.topology.DeadLetter;
import io.shardshift.engine.topology.DeadLetterPublisher;
import io.shardshift.engine.topology.SinkFactory;
import io.shardshift.engine.topology.ApplyStoppedException;
import io.shardshift.engine.topology.TablePauses;
import io.shardshift.engine.topology.TargetOutages;
import io.shardshift.core.schema.TableSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Lock;
import java.util.function.LongSupplier;

/**
 * One task's buffers of routed events, one per target, and the sinks they are written to. Events of a
 * target keep their arrival order. A write to a target that cannot be reached (and the opening of its sink)
 * is tried again until it goes through or {@link TargetOutages} gives up; the batch stays in hand meanwhile,
 * and its offsets are not committed. A sink is opened again when a table's schema on the targets changed since
 * it was opened ({@link TablePauses#version()}), and every attempt to write a batch holds the shared schema lock
 * (never while waiting out an outage). Not thread-safe: a stream task is driven by one thread.
 */
public final class PendingBatches {
    private static final Logger LOG = LoggerFactory.getLogger(PendingBatches.class);
    /**
     * SQLSTATEs of a value the column's type refuses (too long, out of range, not of the type's form), and of a
     * row no partition takes (23514, also a failed check).
     */
    private static final Set<String> TYPE_STATES = Set.of("22001 ", "22003 ", "22P02 ", "22007 ", "22008 ", "23514 ");

    private final SinkFactory sinkFactory;
    private final DeadLetterPublisher deadLetters;
    private final ApplyMetrics metrics;
    private final int batchSize;
    private final LongSupplier clock;
    private final String task;
    private final Map<String, List<PendingEvent>> buffers = new LinkedHashMap<>();
    private final Map<String, ChangeSink> sinks = new ConcurrentHashMap<>();
    private final Map<String, Long> sinkVersions = new ConcurrentHashMap<>();
    private final TablePauses pauses;
    private final TargetOutages outages;
    private ExecutorService writers;

    /**
     * @param batchSize a target's buffer is written as soon as it holds this many events
     * @param clock     wall-clock milliseconds, for latency
     * @param task      the task id, for logs
     * @param outages   waits out the targets' outages
     * @param pauses    the tables' schemas on the targets and what follows their changes
     */
    public PendingBatches(SinkFactory sinkFactory, DeadLetterPublisher deadLetters, ApplyMetrics metrics,
                          int batchSize, LongSupplier clock, String task, TargetOutages outages, TablePauses pauses) {
        this.pauses = pauses;
        this.outages = outages;
        this.sinkFactory = sinkFactory;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.batchSize = batchSize;
        this.clock = clock;
        this.task = task;
    }

    /** Buffers an event for a target; writes that target's batch when it is full. */
    public void add(String target, PendingEvent event) {
        List<PendingEvent> buffer = buffers.computeIfAbsent(target, t -> new ArrayList<>(Math.min(batchSize, 1024)));
        buffer.add(event);
        if (buffer.size() >= batchSize) {
            write(target);
        }
    }

    /** Events waiting in all buffers. */
    public int size() {
        return buffers.values().stream().mapToInt(List::size).sum();
    }

    /**
     * Writes every buffer; the targets are written at the same time (each by its own sink), and this
     * returns when all are written.
     *
     * @return the number of events written
     * @throws SinkException when a target fails past its retries; the task must stop
     */
    public int writeAll() {
        List<String> targets = buffers.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        if (targets.size() <= 1) {
            return targets.isEmpty() ? 0 : write(targets.get(0));
        }
        Map<String, List<PendingEvent>> batches = new LinkedHashMap<>();
        targets.forEach(t -> batches.put(t, buffers.remove(t)));
        List<Future<Integer>> writes = new ArrayList<>();
        for (Map.Entry<String, List<PendingEvent>> e : batches.entrySet()) {
            writes.add(writers().submit(LoggingContext.propagate(() -> write(e.getKey(), e.getValue()))));
        }
        int written = 0;
        RuntimeException failure = null;
        for (Future<Integer> f : writes) {
            try {
                written += f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r
                            : new SinkException("Task " + task + ": a target write failed: " + e.getCause(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SinkException("Task " + task + ": interrupted while writing to the targets", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return written;
    }

    private ExecutorService writers() {
        if (writers == null) {
            writers = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "shardshift-apply-" + task + "-writer");
                t.setDaemon(true);
                return t;
            });
        }
        return writers;
    }

    /** Drops every buffer without writing (their records have not been committed and will be read again). */
    public void discard() {
        int dropped = size();
        buffers.clear();
        if (dropped > 0) {
            LOG.info("Task {} dropped {} unwritten events; they will be read again from the last commit", task, dropped);
        }
    }

    /**
     * Writes every buffer, then closes the sinks so the next write opens them again (with the tables'
     * schemas as they are now, after a paused table was resumed).
     */
    public void reopenSinks() {
        writeAll();
        sinks.forEach((target, sink) -> sink.close());
        sinks.clear();
        sinkVersions.clear();
    }

    /** Closes the sinks this task opened; buffers are not written (see {@link #discard()}). */
    public void close() {
        discard();
        for (Map.Entry<String, ChangeSink> e : sinks.entrySet()) {
            try {
                e.getValue().close();
            } catch (RuntimeException ex) {
                LOG.warn("Task {} could not close the sink of target {}: {}", task, e.getKey(), ex.toString());
            }
        }
        sinks.clear();
        if (writers != null) {
            writers.shutdownNow();
        }
    }

    private int write(String target) {
        return write(target, buffers.remove(target));
    }

    private int write(String target, List<PendingEvent> batch) {
        if (batch == null || batch.isEmpty()) {
            return 0;
        }
        try (LoggingContext.Scope ignored = LoggingContext.with(LoggingContext.TARGET, target)) {
            return writeBatch(target, batch);
        }
    }

    private int writeBatch(String target, List<PendingEvent> original) {
        Attempt attempt;
        try {
            attempt = outages.call(target, () -> applyFitted(target, original));
        } catch (ApplyStoppedException e) {
            LOG.info("Task {}: {}; its {} events will be read again", task, e.getMessage(), original.size());
            throw e;
        } catch (SinkException e) {
            LOG.error("Task {}: target {} failed to apply {} events from {} to {}; stopping the task so no event is"
                    + " skipped", task, target, original.size(), original.get(0).origin(),
                    original.get(original.size() - 1).origin(), e);
            throw e;
        }
        List<PendingEvent> batch = attempt.batch();
        List<RejectedEvent> rejected = retryAfterTypeChange(target, attempt.rejected());
        List<ChangeEvent> events = new ArrayList<>(batch.size());
        batch.forEach(p -> events.add(p.event()));
        Set<PendingEvent> failed = deadLetter(target, batch, rejected);
        List<ChangeEvent> applied = events;
        if (!failed.isEmpty()) {
            applied = new ArrayList<>(batch.size());
            for (PendingEvent p : batch) {
                if (!failed.contains(p)) {
                    applied.add(p.event());
                }
            }
        }
        metrics.recordApplied(target, applied, clock.getAsLong());
        return batch.size();
    }

    /** A batch as written (fitted to the targets' schemas) and what the target rejected of it. */
    private record Attempt(List<PendingEvent> batch, List<RejectedEvent> rejected) {
    }

    /** One attempt: under the shared schema lock, fits the batch to the targets' schemas and writes it. */
    private Attempt applyFitted(String target, List<PendingEvent> original) {
        Lock shared = pauses.schemaLock().readLock();
        shared.lock();
        try {
            List<PendingEvent> batch = fitted(original);
            List<ChangeEvent> events = new ArrayList<>(batch.size());
            batch.forEach(p -> events.add(p.event()));
            return new Attempt(batch, sinkOf(target).apply(events));
        } finally {
            shared.unlock();
        }
    }

    /**
     * The batch checked again against the tables' schemas on the targets now (held under the schema lock): a
     * change buffered before another task added a column to the targets gets the column's value from before
     * the addition, so the sinks, opened with the new schema, write it whole.
     */
    private List<PendingEvent> fitted(List<PendingEvent> batch) {
        List<PendingEvent> out = null;
        for (int i = 0; i < batch.size(); i++) {
            PendingEvent p = batch.get(i);
            ChangeEvent e = p.event();
            TableSchema schema = pauses.schema(e.table());
            if (schema == null || SchemaDrift.problem(e, schema) == null) {
                continue;
            }
            ChangeEvent fixed = SchemaDrift.withoutColumns(e, pauses.droppedBefore(e.table(), e.position().lsn()));
            if (SchemaDrift.problem(fixed, schema) != null) {
                fixed = pauses.follower().fill(fixed, schema);
            }
            if (fixed != null && fixed != e) {
                if (out == null) {
                    out = new ArrayList<>(batch);
                }
                out.set(i, new PendingEvent(fixed, p.key(), p.value(), p.topic(), p.partition(), p.offset()));
            }
        }
        return out == null ? batch : out;
    }

    /**
     * When a target rejected values with a type, length or range error, lets the tables' types follow the
     * source (a widened column is widened on the targets) and, if a type changed (here, or by another writer
     * since this target's sink was opened), applies those events once more; what is still rejected is returned.
     */
    private List<RejectedEvent> retryAfterTypeChange(String target, List<RejectedEvent> rejected) {
        if (rejected == null || rejected.isEmpty()) {
            return rejected;
        }
        List<RejectedEvent> typeErrors = rejected.stream().filter(r -> isTypeError(r.reason())).toList();
        if (typeErrors.isEmpty()) {
            return rejected;
        }
        boolean changed = false;
        for (var table : typeErrors.stream().map(r -> r.event().table()).distinct().toList()) {
            long lsn = typeErrors.stream().filter(r -> r.event().table().equals(table))
                    .mapToLong(r -> r.event().position().lsn()).min().orElse(0);
            changed |= pauses.follower().followTypes(table, lsn);
        }
        changed |= pauses.version() != sinkVersions.getOrDefault(target, -1L);
        if (!changed) {
            return rejected;
        }
        LOG.info("Task {}: applying {} changes rejected by target {} again after its column types followed the source",
                task, typeErrors.size(), target);
        List<RejectedEvent> out = new ArrayList<>(rejected);
        out.removeAll(typeErrors);
        List<ChangeEvent> again = typeErrors.stream().map(RejectedEvent::event).toList();
        out.addAll(outages.call(target, () -> {
            Lock shared = pauses.schemaLock().readLock();
            shared.lock();
            try {
                return sinkOf(target).apply(again);
            } finally {
                shared.unlock();
            }
        }));
        return out;
    }

    private static boolean isTypeError(String reason) {
        return reason != null && reason.length() > 6 && TYPE_STATES.contains(reason.substring(0, 6));
    }

    /** The target's sink, opened on first use (again after a schema change); a thread per target may call this at once. */
    private ChangeSink sinkOf(String target) {
        long version = pauses.version();
        ChangeSink sink = sinks.get(target);
        if (sink != null && sinkVersions.getOrDefault(target, -1L) != version) {
            sink.close();
            sinks.remove(target);
            sink = null;
        }
        if (sink == null) {
            sink = sinkFactory.open(target);
            sinks.put(target, sink);
            sinkVersions.put(target, version);
            LOG.debug("Task {} opened the sink of target {}", task, target);
        }
        return sink;
    }

    private Set<PendingEvent> deadLetter(String target, List<PendingEvent> batch, List<RejectedEvent> rejected) {
        if (rejected == null || rejected.isEmpty()) {
            return Set.of();
        }
        Map<ChangeEvent, PendingEvent> byIdentity = new IdentityHashMap<>();
        Map<ChangeEvent, PendingEvent> byValue = new HashMap<>();
        for (PendingEvent p : batch) {
            byIdentity.put(p.event(), p);
            byValue.putIfAbsent(p.event(), p);
        }
        Set<PendingEvent> failed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (RejectedEvent r : rejected) {
            PendingEvent p = byIdentity.get(r.event());
            if (p == null) {
                p = byValue.get(r.event());
            }
            String reason = r.reason() == null ? "rejected by target " + target : r.reason();
            if (p == null) {
                LOG.warn("Task {}: target {} rejected an event that was not in its batch: {}", task, target, r.event());
                deadLetters.publish(new DeadLetter(ChangeEventCodec.encodeKey(r.event().keyValues()),
                        ChangeEventCodec.encode(r.event()), reason, "unknown", -1, -1L, target));
            } else {
                deadLetters.publish(new DeadLetter(p.key(), p.value(), reason, p.topic(), p.partition(), p.offset(), target));
                failed.add(p);
            }
            metrics.recordDeadLetter(target);
        }
        return failed;
    }
}
