package io.shardshift.cdc.internal;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.shardshift.cdc.LoggingContext;
import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.Operation;
import io.shardshift.core.event.TableId;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Debezium's batch consumer: converts each record once, publishes it to its table's change topic keyed
 * by primary key, waits until Kafka acknowledged the whole batch, and only then marks the batch processed,
 * so Debezium never stores (or confirms to the slot) a position whose changes are not in Kafka. A TRUNCATE is
 * published to every partition of its table's topic.
 * A failed send fails the batch, which stops the engine; nothing is skipped.
 */
public final class ChangePublisher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
    private static final Logger LOG = LoggerFactory.getLogger(ChangePublisher.class);

    private final String migration;
    private final DebeziumEventConverter converter;
    private final Producer<byte[], byte[]> producer;
    private final Map<TableId, String> topics;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong lastPublishedLsn = new AtomicLong();
    private final AtomicLong lastProcessedLsn = new AtomicLong();

    /**
     * @param topics the change topic of each captured table; changes of other tables are skipped
     */
    public ChangePublisher(String migration, DebeziumEventConverter converter, Producer<byte[], byte[]> producer,
                           Map<TableId, String> topics) {
        this.migration = migration;
        this.converter = converter;
        this.producer = producer;
        this.topics = Map.copyOf(topics);
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        try (LoggingContext.Scope ignored = LoggingContext.forMigration(migration).with(LoggingContext.PHASE, "capture")) {
            AtomicReference<Exception> sendError = new AtomicReference<>();
            long batchMaxLsn = 0;
            long batchMaxOffsetLsn = 0;
            int sent = 0;
            for (RecordChangeEvent<SourceRecord> r : records) {
                SourceRecord record = r.record();
                batchMaxOffsetLsn = Math.max(batchMaxOffsetLsn, offsetLsn(record));
                ChangeEvent event = converter.convert(record);
                if (event == null) {
                    continue;
                }
                String topic = topics.get(event.table());
                if (topic == null) {
                    LOG.warn("skipping change of {} at {}: the table is not captured", event.table(), event.position());
                    continue;
                }
                for (ProducerRecord<byte[], byte[]> out : records(topic, event)) {
                    producer.send(out, (metadata, error) -> {
                        if (error != null) {
                            sendError.compareAndSet(null, error);
                        }
                    });
                }
                sent++;
                batchMaxLsn = Math.max(batchMaxLsn, event.position().lsn());
            }
            if (sent > 0) {
                producer.flush();
            }
            if (sendError.get() != null) {
                throw new IllegalStateException("publishing " + sent + " changes up to LSN " + Lsn.format(batchMaxLsn)
                        + " to Kafka failed: " + sendError.get().getMessage(), sendError.get());
            }
            for (RecordChangeEvent<SourceRecord> r : records) {
                committer.markProcessed(r);
            }
            committer.markBatchFinished();
            published.addAndGet(sent);
            lastPublishedLsn.accumulateAndGet(batchMaxLsn, Math::max);
            lastProcessedLsn.accumulateAndGet(Math.max(batchMaxLsn, batchMaxOffsetLsn), Math::max);
            if (sent > 0) {
                LOG.debug("published {} changes up to LSN {}", sent, Lsn.format(batchMaxLsn));
            }
        }
    }

    /**
     * The records of one event: one keyed by primary key, or for a TRUNCATE one per partition of the topic
     * (key {@code []}), so every apply task meets the truncate in order with the events of its own keys.
     */
    private List<ProducerRecord<byte[], byte[]>> records(String topic, ChangeEvent event) {
        byte[] key = ChangeEventCodec.encodeKey(event.keyValues());
        byte[] value = ChangeEventCodec.encode(event);
        if (event.op() != Operation.TRUNCATE) {
            return List.of(new ProducerRecord<>(topic, key, value));
        }
        int partitions = producer.partitionsFor(topic).size();
        if (partitions == 0) {
            throw new IllegalStateException("cannot publish TRUNCATE of " + event.table() + " at " + event.position()
                    + ": topic " + topic + " has no partitions");
        }
        LOG.info("publishing TRUNCATE of {} at {} to all {} partitions of {}", event.table(), event.position(),
                partitions, topic);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            out.add(new ProducerRecord<>(topic, p, key, value));
        }
        return out;
    }

    /** Changes published and acknowledged by Kafka. */
    public long publishedCount() {
        return published.get();
    }

    /** The highest change LSN published and acknowledged, or 0. */
    public long lastPublishedLsn() {
        return lastPublishedLsn.get();
    }

    /** The highest source LSN handled, heartbeats included, or 0. */
    public long lastProcessedLsn() {
        return lastProcessedLsn.get();
    }

    private static long offsetLsn(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        Object lsn = offset == null ? null : offset.get("lsn");
        return lsn instanceof Number n ? n.longValue() : 0L;
    }
}
