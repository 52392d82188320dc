package io.shardshift.engine.topology.internal;

import io.shardshift.cdc.LoggingContext;
import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.engine.topology.ApplyMetrics;
import io.shardshift.engine.topology.ApplyTopology;
import io.shardshift.engine.topology.DeadLetter;
import io.shardshift.engine.topology.DeadLetterPublisher;
import io.shardshift.engine.topology.RoutedEvent;
import io.shardshift.engine.topology.Router;
import io.shardshift.engine.topology.SchemaFollower;
import io.shardshift.engine.topology.SinkFactory;
import io.shardshift.core.event.TableId;
import io.shardshift.engine.topology.TablePauses;
import io.shardshift.engine.topology.TargetOutages;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Applies change records to the targets of the new layout, one stream task's worth. For each record:
 * decode, route, buffer per target. A buffer is written when it holds a batch, on a wall-clock
 * punctuation, and before Kafka Streams commits the task (through {@link PendingWritesStore}), so no
 * offset is committed before its event is written. Records that cannot be decoded or routed, and events a
 * target rejects, go to the dead-letter publisher; a target that cannot be reached is waited for
 * ({@link TargetOutages}); any other target failure stops the task.
 *
 * <p>A change whose columns differ from its table's columns on the targets ({@link SchemaDrift}) is never
 * written: it pauses the table ({@link TablePauses}), and every later change of a paused table is parked in
 * order ({@link ParkedChanges}) until the table is resumed; then the parked changes are applied first.
 * Before it pauses, the table's {@link SchemaFollower} may follow the change on the targets (an added column)
 * or fill in a column the change predates.
 */
public final class ApplyProcessor implements Processor<byte[], byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(ApplyProcessor.class);

    private final Router router;
    private final SinkFactory sinkFactory;
    private final DeadLetterPublisher deadLetters;
    private final ApplyMetrics metrics;
    private final int batchSize;
    private final Duration flushInterval;
    private final String storeName;
    private final TablePauses pauses;
    private final TargetOutages outages;
    private ParkedChanges parked;
    private ProcessorContext<Void, Void> context;
    private PendingBatches batches;
    private String migration;

    public ApplyProcessor(Router router, SinkFactory sinkFactory, DeadLetterPublisher deadLetters, ApplyMetrics metrics,
                          int batchSize, Duration flushInterval, String storeName, TablePauses pauses,
                          TargetOutages outages) {
        this.router = router;
        this.sinkFactory = sinkFactory;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.batchSize = batchSize;
        this.flushInterval = flushInterval;
        this.storeName = storeName;
        this.pauses = pauses;
        this.outages = outages;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        Object name = context.appConfigs().get(ApplyTopology.MIGRATION_CONFIG);
        migration = name == null ? context.applicationId() : name.toString();
        setLogContext();
        String task = context.taskId().toString();
        batches = new PendingBatches(sinkFactory, deadLetters, metrics, batchSize, context::currentSystemTimeMs, task,
                outages, pauses);
        PendingWritesStore store = context.getStateStore(storeName);
        store.attach(batches::writeAll, batches::discard);
        KeyValueStore<Bytes, byte[]> parkedStore = context.getStateStore(ApplyTopology.PARKED_STORE);
        parked = new ParkedChanges(parkedStore, pauses);
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> {
            releaseResumed();
            batches.writeAll();
        });
        LOG.debug("Apply task {} started: batch size {}, flush interval {}", task, batchSize, flushInterval);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("apply processor got a record with no source metadata"));
        setLogContext();
        if (record.value() == null) {
            LOG.debug("Skipping tombstone at {}-{}@{}", source.topic(), source.partition(), source.offset());
            return;
        }
        ChangeEvent event;
        try {
            event = ChangeEventCodec.decode(record.value());
        } catch (IllegalArgumentException e) {
            deadLetter(record.key(), record.value(), e.getMessage(), source.topic(), source.partition(), source.offset());
            return;
        }
        handle(event, new ParkedChanges.Parked(record.key(), record.value(), source.topic(), source.partition(),
                source.offset()));
    }

    private void handle(ChangeEvent event, ParkedChanges.Parked from) {
        MDC.put(LoggingContext.TABLE, event.table().toString());
        TableId table = event.table();
        if (!pauses.isPaused(table) && parked.holds(table)) {
            release(table);
        }
        Optional<TablePauses.Pause> pause = pauses.pause(table);
        if (pause.isEmpty()) {
            event = SchemaDrift.withoutColumns(event, pauses.droppedBefore(table, event.position().lsn()));
            String drift = SchemaDrift.problem(event, pauses.schema(table));
            if (drift != null) {
                SchemaFollower.Outcome followed = pauses.follower().follow(event);
                if (followed.event() != null) {
                    event = followed.event();
                }
                drift = followed.pauseReason() != null ? followed.pauseReason()
                        : SchemaDrift.problem(event, pauses.schema(table));
            }
            if (drift != null) {
                pause = Optional.of(pauses.pause(table, drift, event.position().lsn(), event.after().keySet()));
            }
        }
        if (pause.isPresent()) {
            parked.park(pause.get(), from);
            return;
        }
        List<RoutedEvent> routed;
        try {
            routed = router.route(event);
        } catch (IllegalArgumentException e) {
            deadLetter(from.key(), from.value(), e.getMessage(), from.topic(), from.partition(), from.offset());
            return;
        }
        for (RoutedEvent r : routed) {
            batches.add(r.target(), new PendingEvent(r.event(), from.key(), from.value(), from.topic(),
                    from.partition(), from.offset()));
        }
    }

    private void deadLetter(byte[] key, byte[] value, String reason, String topic, int partition, long offset) {
        deadLetters.publish(new DeadLetter(key, value, reason, topic, partition, offset, null));
        metrics.recordDeadLetter(null);
    }

    /** Applies the parked changes of every table that was resumed since they were parked. */
    private void releaseResumed() {
        for (TableId table : parked.tables()) {
            if (!pauses.isPaused(table)) {
                setLogContext();
                release(table);
            }
        }
    }

    /**
     * Applies a resumed table's parked changes in order, after writing what is buffered and reopening the
     * sinks so they write the table as it is on the targets now. A change that still does not fit pauses the
     * table again and is parked again with the ones after it.
     */
    private void release(TableId table) {
        batches.reopenSinks();
        List<ParkedChanges.Parked> changes = parked.release(table);
        LOG.info("Table {} was resumed: applying its {} parked changes in order", table, changes.size());
        for (ParkedChanges.Parked p : changes) {
            handle(ChangeEventCodec.decode(p.value()), p);
        }
        batches.writeAll();
        pauses.released(table);
    }

    /**
     * Names the migration and the phase on the stream thread, where they stay for Kafka Streams' own logs too
     * (the thread serves this migration's tasks only); the table is per record, so it is cleared.
     */
    private void setLogContext() {
        MDC.put(LoggingContext.MIGRATION, migration);
        MDC.put(LoggingContext.PHASE, "apply");
        MDC.remove(LoggingContext.TABLE);
    }

    @Override
    public void close() {
        if (batches != null) {
            batches.close();
        }
        if (parked != null) {
            parked.tables().forEach(pauses::released);
        }
    }
}
