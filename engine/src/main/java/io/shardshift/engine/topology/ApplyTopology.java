package io.shardshift.engine.topology;

import io.shardshift.core.spec.SpecDefaults;
import io.shardshift.engine.topology.internal.ApplyProcessor;
import io.shardshift.engine.topology.internal.PendingWritesStoreBuilder;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import java.util.Objects;

/**
 * Builds the Kafka Streams topology that applies change events to the targets of the new layout. A pure
 * function: it never creates {@code KafkaStreams}, so {@code TopologyTestDriver} runs it with no broker;
 * {@link ApplyStreams} runs it for real.
 *
 * <pre>
 * change topics (byte[] key = primary key, byte[] value = ChangeEvent JSON)
 *   -&gt; {@value #SOURCE}
 *   -&gt; {@value #PROCESSOR}: decode, route by layout (dropping other tenants' rows in a tenant-scoped
 *        migration), buffer per target, write batches to the sinks
 *        (store {@value #STORE}: writes the buffers before each commit;
 *         store {@value #PARKED_STORE}: the changes of tables paused by a source schema change, in order)
 * </pre>
 *
 * <p>There is no repartition: a change topic's record key is the row's primary key, so every event of a
 * key is in one partition, handled by one task, in order. Routing happens inside the task.
 */
public final class ApplyTopology {
    /** The source node, reading every change topic. */
    public static final String SOURCE = "change-topics";
    /** The processor node that routes and writes. */
    public static final String PROCESSOR = "apply-changes";
    /** The store whose commit hook writes the buffered events before the offsets are committed. */
    public static final String STORE = "apply-pending-writes";
    /** The store holding, in order, the changes of tables paused by a schema change (see {@link TablePauses}). */
    public static final String PARKED_STORE = "apply-parked-changes";
    /**
     * The Streams config key (read through {@code ProcessorContext.appConfigs()}) naming the migration in the
     * stream threads' log context; the application id stands in when it is absent.
     */
    public static final String MIGRATION_CONFIG = "shardshift.migration";

    private ApplyTopology() {
    }

    /** Builds the topology, recording into a fresh {@link ApplyMetrics} nobody reads (docs, tests). */
    public static Topology build(ApplyTopologyConfig config, SinkFactory sinks, DeadLetterPublisher deadLetters) {
        return build(config, sinks, deadLetters, new ApplyMetrics(), TablePauses.none());
    }

    /** Builds the topology with no table schemas to compare changes with (tests). */
    public static Topology build(ApplyTopologyConfig config, SinkFactory sinks, DeadLetterPublisher deadLetters,
                                 ApplyMetrics metrics) {
        return build(config, sinks, deadLetters, metrics, TablePauses.none());
    }

    /** Builds the topology, waiting out a target's outage for {@link SpecDefaults#APPLY_OUTAGE_GIVE_UP} (tests). */
    public static Topology build(ApplyTopologyConfig config, SinkFactory sinks, DeadLetterPublisher deadLetters,
                                 ApplyMetrics metrics, TablePauses pauses) {
        return build(config, sinks, deadLetters, metrics, pauses,
                TargetOutages.giveUpAfter(SpecDefaults.APPLY_OUTAGE_GIVE_UP));
    }

    /**
     * Builds the topology.
     *
     * @param config      topics, shard keys, layout, batching
     * @param sinks       opens a target's sink; called once per task per target, on first use
     * @param deadLetters where undecodable, unroutable and rejected records go
     * @param metrics     where every task records what it applied
     * @param pauses      the tables' schemas on the targets and the tables paused by a schema change
     * @param outages     waits out the outages of targets, and shows which targets are waited for
     */
    public static Topology build(ApplyTopologyConfig config, SinkFactory sinks, DeadLetterPublisher deadLetters,
                                 ApplyMetrics metrics, TablePauses pauses, TargetOutages outages) {
        Objects.requireNonNull(outages, "outages");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(sinks, "sinks");
        Objects.requireNonNull(deadLetters, "deadLetters");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(pauses, "pauses");
        Router router = new Router(config.layout(), config.shardKeys(), config.searchTargets(), config.tenants());
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                config.changeTopics().toArray(String[]::new));
        topology.addProcessor(PROCESSOR, () -> new ApplyProcessor(router, sinks, deadLetters, metrics,
                config.batchSize(), config.flushInterval(), STORE, pauses, outages), SOURCE);
        topology.addStateStore(new PendingWritesStoreBuilder(STORE), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PARKED_STORE),
                Serdes.Bytes(), Serdes.ByteArray()), PROCESSOR);
        return topology;
    }
}
