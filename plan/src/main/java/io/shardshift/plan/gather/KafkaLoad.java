package io.shardshift.plan.gather;

import java.util.List;

/**
 * The load of the change topics.
 *
 * @param groupId        the apply consumer group
 * @param partitions     every partition of the topics that exist
 * @param missingTopics  topics of the spec that do not exist (yet)
 * @param groupCommitted whether the group has committed offsets on any of the partitions
 */
public record KafkaLoad(String groupId, List<PartitionLoad> partitions, List<String> missingTopics,
                        boolean groupCommitted) {
    public KafkaLoad {
        partitions = List.copyOf(partitions);
        missingTopics = List.copyOf(missingTopics);
    }
}
