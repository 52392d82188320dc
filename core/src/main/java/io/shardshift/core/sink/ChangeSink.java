package io.shardshift.core.sink;

import io.shardshift.core.event.ChangeEvent;

import java.util.List;

/**
 * A target that applies change events. Every implementation must be idempotent and fenced by source
 * position: applying an event whose position does not {@linkplain
 * io.shardshift.core.event.SourcePosition#supersedes(long) supersede} what the target holds for that key
 * changes nothing, and a delete leaves a tombstone so a late snapshot row cannot bring the row back. So a
 * batch may be applied again after a crash with no other effect.
 *
 * <p>Events of one key arrive in source order within and across batches. An implementation may reduce a
 * batch to the last event per key.
 */
public interface ChangeSink extends AutoCloseable {

    /** The target's name in the spec. */
    String name();

    /**
     * Applies a batch. Retriable errors are retried inside, with bounded backoff; an error that persists
     * past the retries is thrown as {@link SinkException}. An event that can never be applied (a value
     * the target's type rejects, say) is returned as rejected and the rest of the batch is applied.
     *
     * @return the events the target rejected permanently, each with its reason; empty when all applied
     */
    List<RejectedEvent> apply(List<ChangeEvent> batch);

    @Override
    void close();
}
