package io.shardshift.cutover;

import java.util.Map;

/**
 * The reassignment step of a stream expansion: moves replicas and leaders of an expanded topic so they are spread
 * evenly over the brokers, after the partitions were added and before the route flips. A planner with a throttled
 * executor plugs in here; {@link #NOT_REQUESTED} does nothing, and the status says {@code reassignment: not run}.
 */
@FunctionalInterface
public interface PartitionReassigner {

    /** What the step did, shown as {@code reassignment} in the stream rebalance's status. */
    record Report(String state, Map<String, Object> details) {
        /** The report of a step that did not run. */
        public static Report notRun() {
            return new Report("not run", Map.of());
        }
    }

    /** Reassigns {@code topic}'s {@code partitions} partitions; blocks until done, throws if it cannot. */
    Report reassign(String topic, int partitions) throws Exception;

    /** The default: no reassignment was requested (replicas stay where Kafka placed them). */
    PartitionReassigner NOT_REQUESTED = (topic, partitions) -> Report.notRun();
}
