package io.shardshift.cutover;

import org.apache.kafka.clients.admin.Admin;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The reassignment step of a stream expansion: moves replicas and leaders of an expanded topic so they are spread
 * evenly over the brokers, after the partitions were added and before the route flips. {@code ExecutorReassigner}
 * (a planner with a throttled executor) is the one the migrator uses; {@link #NOT_REQUESTED} does nothing, and the
 * status then says {@code reassignment: not run}.
 */
@FunctionalInterface
public interface PartitionReassigner {

    /**
     * What the step did or is doing, shown as {@code reassignment} in the stream rebalance's status.
     *
     * @param state    e.g. {@code not run}, {@code moving}, {@code done}, {@code failed}
     * @param finished true once it will change nothing more (done, failed, cancelled or not run)
     * @param details  progress and the per-broker counts, as JSON-ready values
     */
    record Report(String state, boolean finished, Map<String, Object> details) {
        /** The report of a step that did not run. */
        public static Report notRun() {
            return new Report("not run", true, Map.of());
        }
    }

    /** A reassignment under way. */
    interface Running {
        /** Where it stands now; never blocks. */
        Report report();

        /** Waits up to {@code timeout} for it to finish and returns the report then (finished or not). */
        Report await(Duration timeout) throws InterruptedException;

        /** Asks it to stop; partitions still moving keep their old replicas. */
        void cancel();

        /** A step that is over already. */
        static Running finished(Report report) {
            return new Running() {
                public Report report() {
                    return report;
                }

                public Report await(Duration timeout) {
                    return report;
                }

                public void cancel() {
                }
            };
        }
    }

    /**
     * Starts reassigning {@code topic} (just expanded) on its own thread and returns at once.
     *
     * @param throttleBytesPerSecond the replication throttle per broker, or empty for the reassigner's default
     * @throws Exception when it cannot start (e.g. the topic's layout cannot be read)
     */
    Running start(Admin admin, String topic, OptionalLong throttleBytesPerSecond) throws Exception;

    /** No reassignment was requested (replicas stay where Kafka placed them). */
    PartitionReassigner NOT_REQUESTED = (admin, topic, throttle) -> Running.finished(Report.notRun());
}
