package io.shardshift.cdc;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.shardshift.cdc.internal.ChangePublisher;
import io.shardshift.cdc.internal.DebeziumEventConverter;
import io.shardshift.cdc.internal.DebeziumProperties;
import io.shardshift.cdc.internal.TopicCreator;
import io.shardshift.core.event.Lsn;
import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Streams the source's changes into the migration's change topics: Debezium's embedded PostgreSQL
 * connector reads the slot ({@code pgoutput}), each change is converted once into a
 * {@link io.shardshift.core.event.ChangeEvent} and published with an idempotent producer to
 * {@code spec.changeTopic(table)}, keyed by primary key. Positions are stored in the Kafka topic
 * {@code <topicPrefix>.offsets} only after Kafka acknowledged the changes, so a restart resumes with no
 * gap (and at worst republishes a few changes, which the fenced sinks ignore).
 *
 * <pre>{@code
 * try (ChangeCapture capture = ChangeCapture.start(spec, schemas, CaptureOptions.defaults())) {
 *     capture.awaitRunning(Duration.ofSeconds(30));
 *     ...
 * }
 * }</pre>
 *
 * <p>A failure of the engine (source gone, Kafka refusing writes) stops capture; it is reported through
 * {@link CaptureOptions#onFailure()}, {@link #failure()} and {@link #state()}, never swallowed.
 */
public final class ChangeCapture implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeCapture.class);

    /** Where capture is in its life. */
    public enum State { STARTING, RUNNING, FAILED, STOPPED }

    /**
     * The prefix of logical decoding messages ({@code pg_logical_emit_message}) that capture receives as
     * position markers: they advance {@link #lastProcessedLsn()} and are never published.
     */
    public static final String MARKER_PREFIX = "shardshift";

    /** Batches that may wait for Kafka's acknowledgement while the engine's thread sends the next ones. */
    private static final int BATCHES_IN_FLIGHT = 4;
    /** How long a stop waits for the batches handed over to be acknowledged and committed. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    private final MigrationSpec spec;
    private final Producer<byte[], byte[]> producer;
    private final ChangePublisher publisher;
    private final ExecutorService executor;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CaptureOptions options;
    private volatile boolean closing;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

    private ChangeCapture(MigrationSpec spec, List<TableSchema> tables, CaptureOptions options) {
        this.spec = spec;
        this.options = options;
        Map<TableId, List<String>> keys = new LinkedHashMap<>();
        Map<TableId, String> topics = new LinkedHashMap<>();
        for (TableSchema t : tables) {
            keys.put(t.id(), t.primaryKey());
            topics.put(t.id(), spec.changeTopic(t.id()));
        }
        this.producer = new KafkaProducer<>(producerConfig(spec));
        this.publisher = ChangePublisher.pipelined(spec.name(), new DebeziumEventConverter(keys), producer, topics,
                BATCHES_IN_FLIGHT, this::acknowledgementFailed);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "shardshift-capture-" + spec.name());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Creates the change topics and the dead-letter topic if missing: at set-up, so that a process that only
     * applies finds them before another process's capture starts.
     */
    public static void createTopics(MigrationSpec spec, List<TableSchema> tables) {
        List<TopicCreator.Topic> topics = new ArrayList<>();
        for (TableSchema t : tables) {
            topics.add(new TopicCreator.Topic(spec.changeTopic(t.id()), spec.partitions(), spec.replicationFactor()));
        }
        topics.add(new TopicCreator.Topic(spec.deadLetterTopic(), 1, spec.replicationFactor()));
        TopicCreator.ensure(spec.kafka().bootstrapServers(), topics);
    }

    /**
     * Creates the change topics and the dead-letter topic if missing, then starts the engine on its own
     * thread. The slot and publication must exist ({@link ReplicationSetup#ensure}).
     *
     * @param tables the definitions of the captured tables (from {@link SourcePreflight#check})
     */
    public static ChangeCapture start(MigrationSpec spec, List<TableSchema> tables, CaptureOptions options) {
        createTopics(spec, tables);
        ChangeCapture capture = new ChangeCapture(spec, tables, options);
        try {
            capture.startEngine(tables.stream().map(TableSchema::id).toList());
        } catch (RuntimeException e) {
            capture.producer.close(Duration.ZERO);
            capture.executor.shutdownNow();
            throw e;
        }
        return capture;
    }

    private void startEngine(List<TableId> tables) {
        Properties props = DebeziumProperties.build(spec, tables, options);
        LOG.info("starting change capture of migration {} with {}", spec.name(), DebeziumProperties.describe(props));
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(props)
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        state.compareAndSet(State.STARTING, State.RUNNING);
                        started.countDown();
                    }
                })
                .using(this::completed)
                .notifying(publisher)
                .build();
        try (LoggingContext.Scope ignored = LoggingContext.forMigration(spec.name()).with(LoggingContext.PHASE, "capture")) {
            executor.execute(LoggingContext.propagate(engine));
        }
    }

    /**
     * A batch was not acknowledged by Kafka: nothing from it on is committed, and capture stops (from a thread
     * of its own, as the engine's stop waits for its threads).
     */
    private void acknowledgementFailed(Throwable error) {
        failure.compareAndSet(null, error);
        Thread stopper = new Thread(() -> {
            try {
                closeEngine();
            } catch (IOException e) {
                LOG.warn("stopping change capture of migration {} after a failed publish failed: {}", spec.name(),
                        e.getMessage(), e);
            }
        }, "shardshift-capture-stop-" + spec.name());
        stopper.setDaemon(true);
        stopper.start();
    }

    private void completed(boolean success, String message, Throwable error) {
        try (LoggingContext.Scope ignored = LoggingContext.forMigration(spec.name()).with(LoggingContext.PHASE, "capture")) {
            if (closing && error == null && failure.get() == null) {
                state.set(State.STOPPED);
                LOG.info("change capture of migration {} stopped", spec.name());
                return;
            }
            Throwable cause = failure.get() != null ? failure.get() : error != null ? error
                    : new IllegalStateException("change capture stopped unexpectedly: " + message);
            failure.compareAndSet(null, cause);
            state.set(State.FAILED);
            LOG.error("change capture of migration {} failed after LSN {}: {}", spec.name(),
                    Lsn.format(publisher.lastProcessedLsn()), message, cause);
            options.onFailure().accept(cause);
        } finally {
            started.countDown();
            finished.countDown();
        }
    }

    /**
     * Waits until the connector's task runs (or capture failed).
     *
     * @return whether capture is running
     */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return state.get() == State.RUNNING;
    }

    /** The current state. */
    public State state() {
        return state.get();
    }

    /** The error that stopped capture, if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** The highest LSN of a change published and acknowledged by Kafka in this run, or 0. */
    public long lastPublishedLsn() {
        return publisher.lastPublishedLsn();
    }

    /** The highest source LSN handled in this run (heartbeats included), or 0. */
    public long lastProcessedLsn() {
        return publisher.lastProcessedLsn();
    }

    /** Changes published and acknowledged in this run. */
    public long publishedCount() {
        return publisher.publishedCount();
    }

    /** Stops the engine (which stores its last position), then the producer. */
    @Override
    public void close() {
        closing = true;
        try {
            if (!publisher.stopPipelining(DRAIN_TIMEOUT)) {
                LOG.warn("change capture of migration {}: not every published batch was acknowledged before the stop;"
                        + " its changes are published again after a restart", spec.name());
            }
            if (engine != null && finished.getCount() > 0) {
                closeEngine();
            }
            executor.shutdown();
            if (!finished.await(60, TimeUnit.SECONDS) || !executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("change capture of migration {} did not stop within 60 s", spec.name());
                executor.shutdownNow();
            }
        } catch (IOException e) {
            LOG.warn("stopping change capture of migration {} failed: {}", spec.name(), e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            state.compareAndSet(State.RUNNING, State.STOPPED);
            state.compareAndSet(State.STARTING, State.STOPPED);
            producer.close(Duration.ofSeconds(30));
        }
    }

    private void closeEngine() throws IOException {
        try {
            engine.close();
        } catch (IllegalStateException e) {
            LOG.debug("engine of migration {} was already shut down: {}", spec.name(), e.getMessage());
        }
    }

    private static Map<String, Object> producerConfig(MigrationSpec spec) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "shardshift-" + spec.name() + "-capture");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }
}
