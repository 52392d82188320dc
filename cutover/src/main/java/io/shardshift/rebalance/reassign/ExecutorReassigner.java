package io.shardshift.rebalance.reassign;

import io.shardshift.cutover.PartitionReassigner;
import org.apache.kafka.clients.admin.Admin;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The reassignment step of a stream expansion done for real: plans the balance of the expanded topic
 * ({@link TopicLayout#plan()}, leaders of the hottest broker first) and runs it with a throttled
 * {@link ReassignmentExecutor}. Its report, e.g.
 * <pre>{@code
 * {"state": "moving", "details": {"partitionsDone": 2, "partitionsTotal": 4, "replicaMoves": 0,
 *   "throttleBytesPerSecond": 10485760, "before": {"leaders": {"1": 4, "2": 0, "3": 0}, ..., "withinOneOfEven": false},
 *   "after": null, "error": null, "elapsedMillis": 850}}
 * }</pre>
 */
public final class ExecutorReassigner implements PartitionReassigner {
    private final ReassignmentOptions options;

    /** A reassigner running plans with {@code options} (their throttle is the default one). */
    public ExecutorReassigner(ReassignmentOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public Running start(Admin admin, String topic, OptionalLong throttleBytesPerSecond) {
        ReassignmentOptions o = throttleBytesPerSecond.isPresent()
                ? options.withThrottle(throttleBytesPerSecond.getAsLong()) : options;
        ReassignmentRun run = new ReassignmentExecutor(admin, o).startRebalance(topic);
        long throttle = o.throttleBytesPerSecond();
        return new Running() {
            public Report report() {
                return reportOf(run.status(), throttle);
            }

            public Report await(Duration timeout) {
                try {
                    return reportOf(run.await(timeout), throttle);
                } catch (ReassignmentException stillRunning) {
                    return report();
                }
            }

            public void cancel() {
                run.cancel();
            }
        };
    }

    /** The status as the stream rebalance shows it. */
    static Report reportOf(ReassignmentStatus s, long throttle) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("partitionsDone", s.partitionsDone());
        d.put("partitionsTotal", s.partitionsTotal());
        d.put("replicaMoves", s.replicaMoves());
        d.put("bytesToMove", s.bytesToMove());
        d.put("throttleBytesPerSecond", throttle);
        d.put("before", counts(s.before()));
        d.put("after", counts(s.after()));
        d.put("error", s.error());
        d.put("elapsedMillis", s.elapsedMillis());
        return new Report(s.state().name().toLowerCase(Locale.ROOT).replace('_', '-'), s.state().isFinal(), d);
    }

    private static Map<String, Object> counts(BrokerCounts c) {
        if (c == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("leaders", c.leaders());
        out.put("replicas", c.replicas());
        out.put("withinOneOfEven", c.withinOneOfEven());
        return out;
    }
}
