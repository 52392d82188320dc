package io.shardshift.rebalance;

import io.shardshift.audit.AuditTrail;
import io.shardshift.cutover.PartitionReassigner;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The reassignment step of one {@link StreamExpansion}: runs its {@link PartitionReassigner} after the partitions
 * were added, audits the outcome ({@code reassign} entries), says why a cutover must not flip yet, and gives the
 * {@code reassignment} status fields and the {@code balanced} gate. A reassignment that fails or cannot start is
 * reported failed and does not block the cutover: no record depends on it, only the balance.
 */
final class StreamReassignment {
    private static final Logger LOG = LoggerFactory.getLogger(StreamReassignment.class);
    private static final String ACTOR = "stream-rebalance";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a cutover waits after the reassignment moved leaders: producers retry records sent to a partition
     * whose leader moved (NOT_LEADER_OR_FOLLOWER, then sometimes OUT_OF_ORDER_SEQUENCE_NUMBER for about a second),
     * and a record partitioned by the old route that lands after the fence would come out of order for its key.
     */
    static final Duration LEADER_QUIET = Duration.ofSeconds(5);

    private final String id;
    private final String topic;
    private final AuditTrail audit;
    private final PartitionReassigner reassigner;
    private final boolean requested;
    private final OptionalLong throttle;
    private volatile PartitionReassigner.Running running =
            PartitionReassigner.Running.finished(PartitionReassigner.Report.notRun());
    private volatile long leadersMovedAtNanos;
    private volatile boolean closed;

    StreamReassignment(String id, String topic, AuditTrail audit, PartitionReassigner reassigner, boolean requested,
                       OptionalLong throttle) {
        this.id = id;
        this.topic = topic;
        this.audit = audit;
        this.reassigner = reassigner;
        this.requested = requested;
        this.throttle = throttle;
    }

    /** Problems with the request fields: a throttle below 1024 B/s, or a throttle without a reassignment. */
    static List<String> problems(Boolean reassign, Long throttleBytesPerSecond) {
        List<String> out = new ArrayList<>();
        if (throttleBytesPerSecond != null && throttleBytesPerSecond < 1024) {
            out.add("'throttle_bytes_per_second' must be at least 1024 (bytes per second per broker), was "
                    + throttleBytesPerSecond);
        }
        if (throttleBytesPerSecond != null && Boolean.FALSE.equals(reassign)) {
            out.add("'throttle_bytes_per_second' applies to the reassignment, but 'reassign' is false");
        }
        return out;
    }

    /** Whether it was requested (or chosen by default). */
    boolean requested() {
        return requested;
    }

    /** Starts it (when requested) and returns at once; {@link #awaitEnd()} follows it. */
    void start(Admin admin) {
        if (!requested) {
            return;
        }
        try {
            running = reassigner.start(admin, topic, throttle);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("error", "could not start: " + e.getMessage());
            running = PartitionReassigner.Running.finished(new PartitionReassigner.Report("failed", true, d));
        }
    }

    /** Waits for the end (or {@link #close()}) and audits it; cancels the run when interrupted. */
    void awaitEnd() throws InterruptedException {
        PartitionReassigner.Running run = running;
        PartitionReassigner.Report r = run.report();
        if (!requested) {
            audit.append(ACTOR, "reassign", Map.of("id", id, "state", r.state()));
            return;
        }
        audit.append(ACTOR, "reassign", Map.of("id", id, "state", "started", "throttle_bytes_per_second",
                String.valueOf(r.details().get("throttleBytesPerSecond"))));
        try {
            while (!r.finished() && !closed) {
                r = run.await(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            run.cancel();
            throw e;
        }
        if (r.details().get("partitionsTotal") instanceof Integer n && n > 0) {
            leadersMovedAtNanos = System.nanoTime();
        }
        Map<String, Object> d = new LinkedHashMap<>(Map.of("id", id, "state", r.state()));
        d.put("partitions", r.details().get("partitionsDone") + "/" + r.details().get("partitionsTotal"));
        d.put("before", String.valueOf(r.details().get("before")));
        d.put("after", String.valueOf(r.details().get("after")));
        if (r.details().get("error") != null) {
            d.put("error", r.details().get("error"));
        }
        audit.append(ACTOR, "reassign", d);
        if ("done".equals(r.state())) {
            LOG.info("stream rebalance {}: topic {} reassigned: {}", id, topic, r.details());
        } else {
            LOG.warn("stream rebalance {}: the reassignment of {} ended {}: {}", id, topic, r.state(),
                    r.details().get("error"));
        }
    }

    /** Why a cutover must not flip now (the reassignment still runs), or null. */
    String cutoverRefusal() {
        PartitionReassigner.Report now = running.report();
        if (now.finished()) {
            return null;
        }
        return "the reassignment of topic " + topic + " is still running (" + now.state() + ", "
                + now.details().get("partitionsDone") + " of " + now.details().get("partitionsTotal")
                + " partitions); cut over once the status shows it done";
    }

    /** Waits until {@link #LEADER_QUIET} has passed since the reassignment moved leaders; false if interrupted. */
    boolean awaitLeaderQuiet(String switchId) {
        long moved = leadersMovedAtNanos;
        long left = moved == 0 ? 0 : LEADER_QUIET.toNanos() - (System.nanoTime() - moved);
        if (left <= 0) {
            return true;
        }
        LOG.info("{}: the reassignment moved leaders {} ms ago; waiting {} ms so producers' retries land before the"
                + " fence", switchId, (System.nanoTime() - moved) / 1_000_000, left / 1_000_000);
        try {
            TimeUnit.NANOSECONDS.sleep(left);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The {@code reassignment} status field: requested, state and the reassigner's details. */
    Map<String, Object> status() {
        PartitionReassigner.Report r = running.report();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requested", requested);
        out.put("state", r.state());
        out.putAll(r.details());
        return out;
    }

    /** {@code gates} with the {@code balanced} gate added when a reassignment was requested. */
    Object withGate(Object gates) {
        if (!requested || !(gates instanceof List<?> list)) {
            return gates;
        }
        List<Object> all = new ArrayList<>(list);
        all.add(StreamStatus.balancedGate(running.report()));
        return all;
    }

    /** Stops following the run and cancels it if it still runs (partitions still moving keep their replicas). */
    void close() {
        closed = true;
        PartitionReassigner.Running run = running;
        if (!run.report().finished()) {
            run.cancel();
            try {
                run.await(TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
