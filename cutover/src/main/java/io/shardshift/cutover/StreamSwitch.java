package io.shardshift.cutover;

import io.shardshift.audit.AuditTrail;
import io.shardshift.client.ConfigKeys;
import io.shardshift.client.StreamRoute;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The route flip of a keyed topic, as audited steps: {@code freeze} (the route record with {@code frozen: true}),
 * a settle time for records partitioned before the freeze to reach the broker, {@code fence} (the end offset of
 * every partition, once two reads {@link #QUIET_POLL} apart agree, so records still being delivered land first), {@code flip} and {@code unfreeze} (one record: the other route live, one generation later, the
 * fence appended to its {@code flips}, not frozen, so producers never see a flipped route still frozen). A cutover
 * flips to {@code new}, a rollback to {@code old}: the same sequence. The steps of the pause are written to the
 * audit trail (each with its time) once producers go on, as the database cutover does, so the fsyncs do not
 * lengthen the pause. A failure before the flip publishes the unchanged route unfrozen and aborts.
 */
public final class StreamSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSwitch.class);
    private static final String ACTOR = "stream-cutover";
    /** The interval of the end-offset reads that must agree before the fence is taken. */
    static final Duration QUIET_POLL = Duration.ofMillis(50);
    /** The longest freeze: records still arriving this long after it abort the flip. */
    static final Duration MAX_SETTLE = Duration.ofSeconds(3);

    private final Admin admin;
    private final ConfigPublisher publisher;
    private final AuditTrail audit;
    private final Duration settle;
    private final Duration timeout;

    /**
     * @param settle  how long to wait between the freeze and the fence (at least the producers' view staleness
     *                plus their delivery time; see {@code RoutePartitioner})
     * @param timeout the longest wait for one Kafka call
     */
    public StreamSwitch(Admin admin, ConfigPublisher publisher, AuditTrail audit, Duration settle, Duration timeout) {
        this.admin = admin;
        this.publisher = publisher;
        this.audit = audit;
        this.settle = settle;
        this.timeout = timeout;
    }

    /** Publishes a route (e.g. the one an expansion starts from), stamped with the rebalance and a reason. */
    public void publish(StreamRoute route, String rebalance, String reason) {
        Map<String, Object> v = new LinkedHashMap<>(route.toJson());
        v.put("rebalance", rebalance);
        v.put("reason", reason);
        v.put("atMillis", System.currentTimeMillis());
        publisher.publishFlag(ConfigKeys.streamRouteKey(route.topic()), v);
    }

    /** The outcome of a flip: the result and, when completed, the route now live. */
    public record Flipped(CutoverResult result, StreamRoute route) {
    }

    /**
     * Flips {@code current} to {@code toRoute} ({@link StreamRoute#NEW} on a cutover, {@link StreamRoute#OLD} on a
     * rollback).
     */
    public Flipped flip(SwitchKind kind, String id, String rebalance, StreamRoute current, String toRoute, String reason) {
        String topic = current.topic();
        String how = kind.name().toLowerCase(java.util.Locale.ROOT) + " " + id;
        audit.append(ACTOR, "start", Map.of("id", id, "topic", topic, "from", current.route(), "to", toRoute,
                "generation", current.generation(), "reason", reason == null ? "" : reason));
        List<Map.Entry<String, Map<String, Object>>> noted = new ArrayList<>();
        SwitchStep step = SwitchStep.FREEZE;
        long frozenAt = 0;
        StreamRoute live;
        try {
            int partitions = partitionCount(topic);
            publish(current.withFrozen(true), rebalance, how + ": freeze");
            frozenAt = System.nanoTime();
            note(noted, step, Map.of("id", id, "topic", topic));
            StepHook.after(kind, step.wireName());
            Thread.sleep(settle.toMillis());
            step = SwitchStep.FENCE;
            Map<Integer, Long> fence = stableEndOffsets(topic, partitions, frozenAt);
            note(noted, step, Map.of("id", id, "topic", topic, "endOffsets", fence.toString()));
            StepHook.after(kind, step.wireName());
            step = SwitchStep.FLIP;
            live = current.flip(toRoute, current.oldPartitions(), current.newPartitions(), fence).withFrozen(false);
            publish(live, rebalance, how + ": flip and unfreeze");
            note(noted, step, Map.of("id", id, "topic", topic, "route", toRoute, "partitions", live.livePartitions(),
                    "generation", live.generation()));
            note(noted, SwitchStep.UNFREEZE, Map.of("id", id, "topic", topic));
        } catch (Exception e) {
            boolean interrupted = e instanceof InterruptedException;
            String why = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.warn("{} of topic {} aborted at {}: {}", how, topic, step, why);
            try {
                publish(current.withFrozen(false), rebalance, how + " aborted");
            } catch (RuntimeException undo) {
                why += "; the route could not be unfrozen (" + undo.getMessage() + "): publish it again";
            }
            flush(noted);
            audit.append(ACTOR, "abort", Map.of("id", id, "step", step.wireName(), "reason", why));
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            long pause = frozenAt == 0 ? 0 : (System.nanoTime() - frozenAt) / 1_000_000;
            return new Flipped(new CutoverResult(id, kind, CutoverResult.Outcome.ABORTED, current.generation(),
                    current.generation() + 1, 0, pause, step, why, List.of()), null);
        }
        long pause = (System.nanoTime() - frozenAt) / 1_000_000;
        StepHook.after(kind, SwitchStep.FLIP.wireName());
        flush(noted);
        audit.append(ACTOR, "done", Map.of("id", id, "generation", live.generation(), "pauseMillis", pause));
        LOG.info("{}: topic {} routes by {} partitions (route {}, generation {}), producers paused {} ms", how,
                topic, live.livePartitions(), toRoute, live.generation(), pause);
        return new Flipped(new CutoverResult(id, kind, CutoverResult.Outcome.COMPLETED, current.generation(),
                live.generation(), 0, pause, null, null, List.of()), live);
    }

    /** Steps of the pause are noted with their time and written to the audit trail once producers go on. */
    private static void note(List<Map.Entry<String, Map<String, Object>>> noted, SwitchStep step, Map<String, Object> details) {
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("atMillis", System.currentTimeMillis());
        noted.add(Map.entry(step.wireName(), d));
    }

    private void flush(List<Map.Entry<String, Map<String, Object>>> noted) {
        for (var e : noted) {
            audit.append(ACTOR, e.getKey(), e.getValue());
        }
    }

    /**
     * The end offsets once they stop moving: with producers frozen, a change means a record partitioned before the
     * freeze is still being delivered (a slow {@code acks=all} write, a retry after a leader move), and a fence
     * taken before it lands would let its key's newer records overtake it. Read every {@link #QUIET_POLL} until two
     * reads agree; records still arriving {@link #MAX_SETTLE} after the freeze abort the flip.
     */
    private Map<Integer, Long> stableEndOffsets(String topic, int partitions, long frozenAt) throws Exception {
        Map<Integer, Long> offsets = endOffsets(topic, partitions);
        while (true) {
            Thread.sleep(QUIET_POLL.toMillis());
            Map<Integer, Long> again = endOffsets(topic, partitions);
            if (again.equals(offsets)) {
                return offsets;
            }
            if (System.nanoTime() - frozenAt > MAX_SETTLE.toNanos()) {
                throw new IllegalStateException("records of " + topic + " were still arriving " + MAX_SETTLE
                        + " after the freeze (end offsets " + offsets + " then " + again + "); try again");
            }
            offsets = again;
        }
    }

    /** The partition count of {@code topic}. */
    public int partitionCount(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .get(topic).partitions().size();
    }

    /** The end offset of partitions {@code 0..partitions-1} of {@code topic} now. */
    public Map<Integer, Long> endOffsets(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            ask.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<Integer, Long> out = new TreeMap<>();
        admin.listOffsets(ask).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        return out;
    }
}
