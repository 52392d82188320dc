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
import io.shardshift.engine.topology.SinkFactory;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.List;

/**
 * Applies change records to the targets of the new layout, one stream task's worth. For each record:
 * decode, route, buffer per target. A buffer is written when it holds a batch, on a wall-clock
 * punctuation, and before Kafka Streams commits the task (through {@link PendingWritesStore}), so no
 * offset is committed before its event is written. Records that cannot be decoded or routed, and events a
 * target rejects, go to the dead-letter publisher; a target failure stops the task.
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
    private ProcessorContext<Void, Void> context;
    private PendingBatches batches;
    private String migration;

    public ApplyProcessor(Router router, SinkFactory sinkFactory, DeadLetterPublisher deadLetters, ApplyMetrics metrics,
                          int batchSize, Duration flushInterval, String storeName) {
        this.router = router;
        this.sinkFactory = sinkFactory;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.batchSize = batchSize;
        this.flushInterval = flushInterval;
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        Object name = context.appConfigs().get(ApplyTopology.MIGRATION_CONFIG);
        migration = name == null ? context.applicationId() : name.toString();
        setLogContext();
        String task = context.taskId().toString();
        batches = new PendingBatches(sinkFactory, deadLetters, metrics, batchSize, context::currentSystemTimeMs, task);
        PendingWritesStore store = context.getStateStore(storeName);
        store.attach(batches::writeAll, batches::discard);
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> batches.writeAll());
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
        List<RoutedEvent> routed;
        try {
            ChangeEvent event = ChangeEventCodec.decode(record.value());
            MDC.put(LoggingContext.TABLE, event.table().toString());
            routed = router.route(event);
        } catch (IllegalArgumentException e) {
            deadLetters.publish(new DeadLetter(record.key(), record.value(), e.getMessage(), source.topic(),
                    source.partition(), source.offset(), null));
            metrics.recordDeadLetter(null);
            return;
        }
        for (RoutedEvent r : routed) {
            batches.add(r.target(), new PendingEvent(r.event(), record.key(), record.value(), source.topic(),
                    source.partition(), source.offset()));
        }
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
    }
}
