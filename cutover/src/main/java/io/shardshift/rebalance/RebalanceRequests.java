package io.shardshift.rebalance;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The bodies of the rebalance calls; a missing required field is an invalid request naming it. */
public final class RebalanceRequests {
    private RebalanceRequests() {
    }

    /**
     * {@code POST /v1/rebalance/search/start}.
     *
     * @param collection the alias of one of the base spec's search targets
     * @param routing    the column whose value prefixes the document ids ({@code value!id}) in the new collection
     * @param dualWrite  whether applications that index themselves should write both collections until cutover
     *                   (published on the config topic); default false
     */
    public record SearchStart(@JsonProperty(value = "collection", required = true) String collection,
                              @JsonProperty(value = "routing", required = true) String routing,
                              @JsonProperty("dual_write") Boolean dualWrite) {
    }

    /**
     * {@code POST /v1/rebalance/db/rehome}.
     *
     * @param tenant         the shard key value whose rows move
     * @param targetInstance a target of the base spec
     */
    public record Rehome(@JsonProperty(value = "tenant", required = true) String tenant,
                         @JsonProperty(value = "target_instance", required = true) String targetInstance) {
    }

    /**
     * {@code POST /v1/rebalance/stream/expand}.
     *
     * @param topic         a keyed topic of the base spec's Kafka cluster
     * @param newPartitions          the new partition count, a multiple (2x, 3x...) of the count producers route by now
     * @param reassign               balance leaders and replicas over the brokers after the expansion; default true
     *                               when the cluster has more than one broker
     * @param throttleBytesPerSecond replication throttle per broker while replicas copy, at least 1024; default
     *                               10 MB/s
     */
    public record StreamExpand(@JsonProperty(value = "topic", required = true) String topic,
                               @JsonProperty(value = "new_partitions", required = true) Integer newPartitions,
                               @JsonProperty("reassign") Boolean reassign,
                               @JsonProperty("throttle_bytes_per_second") Long throttleBytesPerSecond) {
    }

    /** {@code POST /v1/rebalance/cutover}: the rebalance's id. */
    public record Cutover(@JsonProperty(value = "id", required = true) String id) {
    }

    /** {@code POST /v1/rebalance/rollback}: the rebalance's id and why (for the audit trail). */
    public record Rollback(@JsonProperty(value = "id", required = true) String id,
                           @JsonProperty("reason") String reason) {
    }
}
