package io.shardshift.plan.capacity;

import java.util.Objects;

/**
 * One row of a sample of real keys.
 *
 * @param tenant      the shard key value (the "user" of a per-user strategy)
 * @param key         the row's primary key in text form
 * @param epochMillis the row's time (its event time, or when it was read)
 */
public record KeySample(String tenant, String key, long epochMillis) {
    public KeySample {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
    }
}
