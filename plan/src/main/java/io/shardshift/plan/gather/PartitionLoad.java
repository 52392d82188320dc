package io.shardshift.plan.gather;

/**
 * One partition of a change topic.
 *
 * @param topic         the topic
 * @param partition     the partition
 * @param endOffset     its end offset at the end of the window
 * @param recordsPerSec records appended per second during the window
 * @param lag           records the apply group has not consumed: end offset minus its committed offset, or
 *                      minus the log start when the group has committed nothing there
 */
public record PartitionLoad(String topic, int partition, long endOffset, double recordsPerSec, long lag) {

    /** {@code topic-partition}, as Kafka tools print it. */
    public String name() {
        return topic + "-" + partition;
    }
}
