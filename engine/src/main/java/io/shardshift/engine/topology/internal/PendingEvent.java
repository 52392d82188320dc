package io.shardshift.engine.topology.internal;

import io.shardshift.core.event.ChangeEvent;

/**
 * A routed event waiting in a target's buffer, with the record it came from, so a rejection can be sent
 * to the dead-letter topic with its original bytes, topic, partition and offset.
 *
 * @param event     the event to apply
 * @param key       the original record key
 * @param value     the original record value
 * @param topic     the change topic
 * @param partition the partition
 * @param offset    the offset
 */
public record PendingEvent(ChangeEvent event, byte[] key, byte[] value, String topic, int partition, long offset) {

    /** Where the record came from, e.g. {@code topic-3@1742}. */
    public String origin() {
        return topic + "-" + partition + "@" + offset;
    }
}
