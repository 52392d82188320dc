package io.shardshift.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The Kafka cluster that carries the change topics.
 *
 * @param bootstrapServers  {@code host:port[,host:port]}
 * @param partitions        partitions of each change topic (parallelism across keys), default 8
 * @param replicationFactor replication factor of the topics Shardshift creates, default 1
 * @param topicPrefix       prefix of every topic, default {@code shardshift.<name>}
 */
public record KafkaSpec(@JsonProperty(required = true) String bootstrapServers,
                        Integer partitions,
                        Integer replicationFactor,
                        String topicPrefix) {
}
