package io.shardshift.engine.topology.internal;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.IntSupplier;

/**
 * A state store that holds no data: it is the apply task's hook into Kafka Streams' commit, so the
 * events buffered for the targets are written BEFORE the offsets of their records are committed.
 *
 * <p>Why it implements Kafka Streams' internal {@link CachedStateStore}: in Kafka Streams 4.3,
 * {@code StreamTask.prepareCommit()} (which runs before the offsets or the transaction are committed)
 * only flushes store caches, through {@code ProcessorStateManager.flushCache()}, which calls
 * {@link CachedStateStore#flushCache()}. The public {@link StateStore#commit(Map)} (which replaced
 * {@code flush()}, KIP-1035) is called from {@code postCommit()}, after the offsets are committed, and
 * under exactly-once only on close. Writing there could lose events on a crash. So the write happens in
 * {@link #flushCache()}; {@link #commit(Map)} writes too, as a safety net that should find nothing to do,
 * and complains if it does. {@code ApplyTopologyTest} checks this contract against the real task code
 * through {@code TopologyTestDriver}.
 *
 * <p>Logging (changelog) disabled, not persistent: nothing survives a restart, which replays from the
 * committed offsets.
 */
public final class PendingWritesStore implements StateStore, CachedStateStore<Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(PendingWritesStore.class);

    private final String name;
    private volatile boolean open;
    private long writesAfterCommit;
    private IntSupplier writeAll = () -> 0;
    private Runnable discardAll = () -> { };

    public PendingWritesStore(String name) {
        this.name = name;
    }

    /**
     * Connects the task's buffers.
     *
     * @param writeAll   writes every buffered event and returns how many it wrote
     * @param discardAll drops the buffers (the task's records will be read again)
     */
    public void attach(IntSupplier writeAll, Runnable discardAll) {
        this.writeAll = writeAll;
        this.discardAll = discardAll;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> { });
        open = true;
    }

    /** Called by Kafka Streams before it commits the task's offsets: writes the buffered events. */
    @Override
    public void flushCache() {
        writeAll.getAsInt();
    }

    /** Called by Kafka Streams when it drops the task's caches (task recycled): drops the buffers. */
    @Override
    public void clearCache() {
        discardAll.run();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        int written = writeAll.getAsInt();
        if (written > 0) {
            writesAfterCommit += written;
            LOG.error("Store {} wrote {} buffered events after Kafka Streams committed; the pre-commit hook did"
                    + " not run, so a crash could have lost them (Kafka Streams version mismatch?)", name, written);
        }
    }

    /** Events that were still buffered when Kafka Streams called the post-commit hook; should stay 0. */
    public long writesAfterCommit() {
        return writesAfterCommit;
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }
}
