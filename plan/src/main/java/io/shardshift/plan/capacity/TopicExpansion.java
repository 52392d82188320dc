package io.shardshift.plan.capacity;

import java.util.List;

/**
 * What {@link TopicExpansionAdvisor} proposes for one keyed topic, e.g. {@code orders: 6 partitions carry
 * 14,000 records/s; expand 3x to 18; partition 4 is hot (3.1x the mean)}.
 *
 * @param topic                the topic
 * @param partitions           its partition count today
 * @param recordsPerSec        records appended per second over all partitions during the window
 * @param meanPerPartition     {@code recordsPerSec / partitions}
 * @param hottestPartition     the partition with the highest rate
 * @param hottestRecordsPerSec its rate
 * @param hotRatio             its rate over the mean (0 when nothing was written)
 * @param hot                  whether {@code hotRatio} is above the advisor's threshold
 * @param multiple             the proposed multiple of today's count (1: no expansion needed)
 * @param proposedPartitions   {@code partitions * multiple}
 * @param steps                the expansion steps, each 2 or 3 (empty when {@code multiple} is 1), e.g.
 *                             {@code [2, 2]} for 4x
 * @param estimate             the capacity calculator's estimate for the whole topic
 * @param notes                the reasoning and warnings, for people
 */
public record TopicExpansion(String topic, int partitions, double recordsPerSec, double meanPerPartition,
                             int hottestPartition, double hottestRecordsPerSec, double hotRatio, boolean hot,
                             int multiple, int proposedPartitions, List<Integer> steps, CapacityEstimate estimate,
                             List<String> notes) {
    public TopicExpansion {
        steps = List.copyOf(steps);
        notes = List.copyOf(notes);
    }

    /** True when the topic should be expanded or has a hot partition. */
    public boolean needsAttention() {
        return multiple > 1 || hot;
    }
}
