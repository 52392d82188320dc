package io.shardshift.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * The new layout, as written in a spec. Give either {@code targets} (buckets spread in even, contiguous
 * ranges) or {@code bucketMap} (each target's bucket ranges, e.g. {@code "0-15,32-47"}).
 *
 * @param generation the routing generation of this layout, default 1
 * @param shardKey   the default shard key column
 * @param buckets    the number of hash buckets, default 64
 * @param targets    targets to spread the buckets over evenly
 * @param bucketMap  target name to bucket ranges
 * @param hotTenants shard key value to the target dedicated to it
 */
public record LayoutSpec(Long generation,
                         @JsonProperty(required = true) String shardKey,
                         Integer buckets,
                         List<String> targets,
                         Map<String, String> bucketMap,
                         Map<String, String> hotTenants) {
}
