package io.shardshift.cdc.internal;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.shardshift.cdc.LoggingContext;
import io.shardshift.core.event.ChangeEvent;
import io.shardshift.core.event.ChangeEventCodec;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.Operation;
import io.shardshift.core.event.TableId;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Debezium's batch consumer: converts each record once, publishes it to its table's change topic keyed
 * by primary key, and marks the batch processed only once Kafka acknowledged the whole batch, so Debezium
 * never stores (or confirms to the slot) a position whose changes are not in Kafka. A TRUNCATE is
 * published to every partition of its table's topic.
 *
 * <p>Synchronous (the default constructor) it waits for the acknowledgement inside {@link #handleBatch}.
 * {@link #pipelined} hands the wait and the commit to a {@link BatchAcknowledger}, which finishes batches in
 * order on its own thread, so the engine's thread converts and sends the next batch meanwhile;
 * {@link #stopPipelining} goes back to the synchronous way once every batch handed over is committed
 * (before the engine stops and stores its last position itself).
 * A failed send fails its batch, and every later one, which stops the engine; nothing is skipped.
 */
public final class ChangePublisher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
    private static final Logger LOG = LoggerFactory.getLogger(ChangePublisher.class);
    /** The longest a batch may wait for Kafka's acknowledgement (beyond the producer's delivery timeout). */
    private static final Duration ACK_TIMEOUT = Duration.ofMinutes(5);

    private final String migration;
    private final DebeziumEventConverter converter;
    private final Producer<byte[], byte[]> producer;
    private final Map<TableId, String> topics;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong lastPublishedLsn = new AtomicLong();
    private final AtomicLong lastProcessedLsn = new AtomicLong();
    private final Object modeLock = new Object();
    private volatile BatchAcknowledger acknowledger;
    /** Set when batches handed over were left uncommitted: no later batch may be committed before them. */
    private volatile Throwable refused;

    /**
     * A synchronous publisher.
     *
     * @param topics the change topic of each captured table; changes of other tables are skipped
     */
    public ChangePublisher(String migration, DebeziumEventConverter converter, Producer<byte[], byte[]> producer,
                           Map<TableId, String> topics) {
        this.migration = migration;
        this.converter = converter;
        this.producer = producer;
        this.topics = Map.copyOf(topics);
    }

    /**
     * A publisher that lets up to {@code maxInFlight} batches wait for Kafka's acknowledgement while it sends
     * the next ones.
     *
     * @param onFailure called once, from the acknowledging thread, when a batch failed
     */
    public static ChangePublisher pipelined(String migration, DebeziumEventConverter converter,
                                            Producer<byte[], byte[]> producer, Map<TableId, String> topics,
                                            int maxInFlight, Consumer<Throwable> onFailure) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        ChangePublisher publisher = new ChangePublisher(migration, converter, producer, topics);
        publisher.acknowledger = new BatchAcknowledger(migration, maxInFlight, ACK_TIMEOUT, onFailure);
        return publisher;
    }

    /**
     * Waits until every batch handed to the acknowledging thread is committed, then handles later batches
     * synchronously and stops that thread. Does nothing for a synchronous publisher.
     *
     * @return whether every batch was committed within the timeout (false also when one failed)
     */
    public boolean stopPipelining(Duration timeout) throws InterruptedException {
        synchronized (modeLock) {
            BatchAcknowledger ack = acknowledger;
            if (ack == null) {
                return true;
            }
            boolean idle = false;
            try {
                idle = ack.awaitIdle(timeout);
                return idle;
            } finally {
                ack.stop();
                acknowledger = null;
                if (!idle) {
                    refused = ack.failure().orElseGet(() -> new IllegalStateException("batches of migration " + migration
                            + " were not acknowledged by Kafka within " + timeout));
                }
            }
        }
    }

    /** The error of a batch the acknowledging thread could not commit, if any. */
    public Optional<Throwable> failure() {
        BatchAcknowledger ack = acknowledger;
        return ack == null ? Optional.ofNullable(refused) : ack.failure();
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        try (LoggingContext.Scope ignored = LoggingContext.forMigration(migration).with(LoggingContext.PHASE, "capture")) {
            if (refused != null) {
                throw new IllegalStateException("not publishing: earlier batches were not committed: " + refused.getMessage(),
                        refused);
            }
            BatchSends sends = new BatchSends();
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
                    producer.send(out, sends.track());
                }
                sent++;
                batchMaxLsn = Math.max(batchMaxLsn, event.position().lsn());
            }
            Finish finish = new Finish(records, committer, sends, sent, batchMaxLsn, batchMaxOffsetLsn);
            synchronized (modeLock) {
                BatchAcknowledger ack = acknowledger;
                if (ack != null) {
                    ack.submit(finish);
                    return;
                }
            }
            if (sent > 0) {
                producer.flush();
            }
            finish.awaitAcknowledged(ACK_TIMEOUT);
            finish.commit();
        }
    }

    /** The acknowledgement of one batch's sends: counts the callbacks still to come and keeps the first error. */
    private static final class BatchSends {
        private final AtomicInteger outstanding = new AtomicInteger();
        private final AtomicReference<Exception> error = new AtomicReference<>();
        private final Object done = new Object();

        Callback track() {
            outstanding.incrementAndGet();
            return (metadata, e) -> {
                if (e != null) {
                    error.compareAndSet(null, e);
                }
                if (outstanding.decrementAndGet() == 0) {
                    synchronized (done) {
                        done.notifyAll();
                    }
                }
            };
        }

        /** Waits until no callback is outstanding; a zero timeout only checks. */
        boolean await(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (done) {
                while (outstanding.get() > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(done, left);
                }
            }
            return true;
        }
    }

    /** What finishes one batch once its sends are acknowledged. */
    private final class Finish implements BatchAcknowledger.Pending {
        private final List<RecordChangeEvent<SourceRecord>> records;
        private final DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer;
        private final BatchSends sends;
        private final int sent;
        private final long maxLsn;
        private final long maxOffsetLsn;

        Finish(List<RecordChangeEvent<SourceRecord>> records,
               DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer, BatchSends sends, int sent,
               long maxLsn, long maxOffsetLsn) {
            this.records = records;
            this.committer = committer;
            this.sends = sends;
            this.sent = sent;
            this.maxLsn = maxLsn;
            this.maxOffsetLsn = maxOffsetLsn;
        }

        @Override
        public void awaitAcknowledged(Duration timeout) throws InterruptedException {
            if (!sends.await(timeout)) {
                throw new IllegalStateException("publishing " + sent + " changes up to LSN " + Lsn.format(maxLsn)
                        + " to Kafka was not acknowledged within " + timeout);
            }
            Exception error = sends.error.get();
            if (error != null) {
                throw new IllegalStateException("publishing " + sent + " changes up to LSN " + Lsn.format(maxLsn)
                        + " to Kafka failed: " + error.getMessage(), error);
            }
        }

        @Override
        public void commit() throws InterruptedException {
            for (RecordChangeEvent<SourceRecord> r : records) {
                committer.markProcessed(r);
            }
            committer.markBatchFinished();
            published.addAndGet(sent);
            lastPublishedLsn.accumulateAndGet(maxLsn, Math::max);
            lastProcessedLsn.accumulateAndGet(Math.max(maxLsn, maxOffsetLsn), Math::max);
            if (sent > 0) {
                LOG.debug("published {} changes up to LSN {}", sent, Lsn.format(maxLsn));
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
