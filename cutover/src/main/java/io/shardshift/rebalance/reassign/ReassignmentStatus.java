package io.shardshift.rebalance.reassign;

/**
 * A snapshot of a reassignment run, readable at any time for status, e.g.
 * {@code MOVING orders 3/8 partitions, 4 replica moves, ~120 MB, leaders before {1=8, 2=0, 3=0}}.
 *
 * @param state           where the run is
 * @param topic           the topic
 * @param partitionsDone  changed partitions whose new replica list is in place
 * @param partitionsTotal changed partitions of the plan
 * @param replicaMoves    replicas to copy (from the plan)
 * @param bytesToMove     bytes to copy as planned (0 when sizes were not known)
 * @param before          leaders (observed) and replicas per broker when the run started
 * @param after           the same when the run ended; {@code null} until then
 * @param error           why the run failed or what a cancel left; {@code null} otherwise
 * @param elapsedMillis   time since the run started
 */
public record ReassignmentStatus(State state, String topic, int partitionsDone, int partitionsTotal,
                                 int replicaMoves, long bytesToMove, BrokerCounts before, BrokerCounts after,
                                 String error, long elapsedMillis) {

    /** Phases of a run; {@code DONE}, {@code FAILED} and {@code CANCELLED} are final. */
    public enum State {
        /** Not started yet. */
        PENDING,
        /** Throttles being set and reassignments submitted. */
        STARTING,
        /** Replicas copying; {@code partitionsDone} rises. */
        MOVING,
        /** Preferred-leader election so leaders follow the first replica. */
        ELECTING_LEADERS,
        /** Every partition has its planned replicas and leader; throttles removed. */
        DONE,
        /** Stopped on an error; partitions still moving were cancelled and throttles removed. */
        FAILED,
        /** Cancelled on request; partitions still moving keep their old replicas; throttles removed. */
        CANCELLED;

        /** True for {@code DONE}, {@code FAILED} and {@code CANCELLED}. */
        public boolean isFinal() {
            return this == DONE || this == FAILED || this == CANCELLED;
        }
    }
}
