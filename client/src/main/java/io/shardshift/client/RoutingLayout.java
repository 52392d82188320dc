package io.shardshift.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.shardshift.client.internal.Murmur3;

import java.util.List;
import java.util.Map;

/**
 * A shard layout as published on the config topic under {@code routing.layout.<generation>}:
 *
 * <pre>{@code
 * {"generation":2,"shardKey":"tenant_id","buckets":64,
 *  "bucketTargets":["pg_a","pg_a",...,"pg_b"],"hotTenants":{"acme":"pg_b"}}
 * }</pre>
 *
 * <p>Routing: a shard key value named in {@code hotTenants} goes to its target; any other value goes to
 * {@code bucketTargets[unsigned(murmur3_x86_32(utf8(value), seed 0)) mod buckets]}. A null value routes
 * as the empty string. The same rule as the migrator's, so an application and the migrator always agree,
 * provided the value is passed as the migrator's canonical key text: a text shard key as is, any other type
 * (timestamptz, boolean, numeric, uuid, float, ...) through {@link ShardKeyText#of(Object)} or
 * {@link #targetForValue(Object)}, never as {@code toString()} of a Java value.
 *
 * @param generation    the routing generation
 * @param shardKey      the shard key column
 * @param buckets       the number of buckets, equal to {@code bucketTargets.size()}
 * @param bucketTargets the target of each bucket
 * @param hotTenants    shard key values with a dedicated target
 */
public record RoutingLayout(@JsonProperty("generation") long generation,
                            @JsonProperty("shardKey") String shardKey,
                            @JsonProperty("buckets") int buckets,
                            @JsonProperty("bucketTargets") List<String> bucketTargets,
                            @JsonProperty("hotTenants") Map<String, String> hotTenants) {

    public RoutingLayout {
        if (bucketTargets == null || bucketTargets.isEmpty()) {
            throw new IllegalArgumentException("routing.layout." + generation + ".bucketTargets is empty");
        }
        if (buckets != bucketTargets.size()) {
            throw new IllegalArgumentException("routing.layout." + generation + ".buckets is " + buckets
                    + " but bucketTargets has " + bucketTargets.size() + " entries");
        }
        bucketTargets = List.copyOf(bucketTargets);
        hotTenants = hotTenants == null ? Map.of() : Map.copyOf(hotTenants);
    }

    /** The bucket of a shard key value among {@code buckets} buckets. */
    public static int bucketOf(String shardKeyValue, int buckets) {
        int h = Murmur3.hash32(shardKeyValue == null ? "" : shardKeyValue, 0);
        return (int) (Integer.toUnsignedLong(h) % buckets);
    }

    /**
     * The target that holds rows with this shard key value, given as a Java value ({@code Instant},
     * {@code UUID}, {@code BigDecimal}, {@code Boolean}, ..., see {@link ShardKeyText#of(Object)}).
     */
    public String targetForValue(Object shardKeyValue) {
        return targetFor(ShardKeyText.of(shardKeyValue));
    }

    /** The target that holds rows with this shard key value, given as canonical key text. */
    public String targetFor(String shardKeyValue) {
        String hot = hotTenants.get(shardKeyValue == null ? "" : shardKeyValue);
        return hot != null ? hot : bucketTargets.get(bucketOf(shardKeyValue, buckets));
    }
}
