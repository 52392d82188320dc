package io.shardshift.engine.topology;

import java.util.Objects;

/**
 * A change record that could not be applied, with where it came from and why. Its value is the original
 * record's bytes, so it can be replayed as it was once the cause is fixed.
 *
 * @param key         the original record key (may be {@code null})
 * @param value       the original record value (may be {@code null})
 * @param reason      why it could not be applied
 * @param topic       the change topic it was read from
 * @param partition   its partition
 * @param offset      its offset
 * @param target      the target that rejected it, or {@code null} when it could not be decoded or routed
 */
public record DeadLetter(byte[] key, byte[] value, String reason, String topic, int partition, long offset,
                         String target) {
    public DeadLetter {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(topic, "topic");
    }

    /** Where the record came from, e.g. {@code shardshift.demo.changes.public.orders-3@1742}. */
    public String origin() {
        return topic + "-" + partition + "@" + offset;
    }

    @Override
    public String toString() {
        return "DeadLetter[" + origin() + (target == null ? "" : " target=" + target) + ": " + reason + "]";
    }
}
