package io.shardshift.plan.capacity;

import java.util.List;

/**
 * How one strategy spreads a sample over the partitions.
 *
 * @param strategy        the strategy
 * @param perPartition    sampled records per partition
 * @param maxOverMean     the busiest partition's count over the mean (1.0 is even)
 * @param stddevOverMean  the coefficient of variation of the counts (0 is even)
 * @param emptyPartitions partitions that got nothing
 * @param orderKept       the ordering the strategy keeps
 */
public record StrategySpread(PartitionKeyStrategy strategy, List<Long> perPartition, double maxOverMean,
                             double stddevOverMean, int emptyPartitions, String orderKept) {
    public StrategySpread {
        perPartition = List.copyOf(perPartition);
    }
}
