package io.shardshift.cutover;

import io.shardshift.audit.AuditTrail;
import io.shardshift.client.ConfigKeys;
import io.shardshift.client.stream.StreamRoute;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The route flip of a keyed topic, as steps audited one by one: {@code freeze} (the route record with
 * {@code frozen: true}), a settle time for records partitioned before the freeze to reach the broker,
 * {@code fence} (the end offset of every partition), {@code flip} (the route record with the other route live,
 * one generation later, the fence appended to its {@code flips}), {@code unfreeze}. A cutover flips to
 * {@code new}, a rollback to {@code old}; both are the same sequence. A failure before the flip publishes the
 * unchanged route unfrozen and aborts; a failure of the unfreeze after it is retried, then reported as a warning.
 */
public final class StreamSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSwitch.class);
    private static final String ACTOR = "stream-cutover";

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
        long started = System.nanoTime();
        String topic = current.topic();
        audit.append(ACTOR, "start", Map.of("id", id, "topic", topic, "from", current.route(), "to", toRoute,
                "generation", current.generation(), "reason", reason == null ? "" : reason));
        SwitchStep step = SwitchStep.FREEZE;
        long frozenAt = 0;
        StreamRoute flipped;
        try {
            publish(current.withFrozen(true), rebalance, kind.name().toLowerCase(java.util.Locale.ROOT) + " " + id + ": freeze");
            frozenAt = System.nanoTime();
            audit.append(ACTOR, step.wireName(), Map.of("id", id, "topic", topic));
            StepHook.after(kind, step.wireName());
            Thread.sleep(settle.toMillis());
            step = SwitchStep.FENCE;
            Map<Integer, Long> fence = endOffsets(topic);
            audit.append(ACTOR, step.wireName(), Map.of("id", id, "topic", topic, "endOffsets", fenceText(fence)));
            StepHook.after(kind, step.wireName());
            step = SwitchStep.FLIP;
            flipped = current.flip(toRoute, current.oldPartitions(), current.newPartitions(), fence);
            publish(flipped, rebalance, kind.name().toLowerCase(java.util.Locale.ROOT) + " " + id + ": flip");
            audit.append(ACTOR, step.wireName(), Map.of("id", id, "topic", topic, "route", toRoute,
                    "partitions", flipped.livePartitions(), "generation", flipped.generation()));
            StepHook.after(kind, step.wireName());
        } catch (Exception e) {
            boolean interrupted = e instanceof InterruptedException;
            String why = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.warn("{} {} of topic {} aborted at {}: {}", kind, id, topic, step, why);
            try {
                publish(current.withFrozen(false), rebalance, kind + " " + id + " aborted");
            } catch (RuntimeException undo) {
                why += "; the route could not be unfrozen (" + undo.getMessage() + "): publish it again";
            }
            audit.append(ACTOR, "abort", Map.of("id", id, "step", step.wireName(), "reason", why));
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            long pause = frozenAt == 0 ? 0 : (System.nanoTime() - frozenAt) / 1_000_000;
            return new Flipped(new CutoverResult(id, kind, CutoverResult.Outcome.ABORTED, current.generation(),
                    current.generation() + 1, 0, pause, step, why, List.of()), null);
        }
        StreamRoute live = flipped.withFrozen(false);
        String warning = null;
        for (int attempt = 1; ; attempt++) {
            try {
                publish(live, rebalance, kind.name().toLowerCase(java.util.Locale.ROOT) + " " + id + ": unfreeze");
                audit.append(ACTOR, SwitchStep.UNFREEZE.wireName(), Map.of("id", id, "topic", topic));
                break;
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    warning = "unfreeze failed 3 times (" + e.getMessage() + "): producers stay frozen until the"
                            + " route is published again";
                    break;
                }
            }
        }
        long pause = (System.nanoTime() - frozenAt) / 1_000_000;
        audit.append(ACTOR, "done", Map.of("id", id, "generation", live.generation(), "pauseMillis", pause));
        LOG.info("{} {}: topic {} routes by {} partitions (route {}, generation {}), producers paused {} ms", kind, id,
                topic, live.livePartitions(), toRoute, live.generation(), pause);
        CutoverResult.Outcome outcome = warning == null ? CutoverResult.Outcome.COMPLETED
                : CutoverResult.Outcome.COMPLETED_WITH_WARNINGS;
        return new Flipped(new CutoverResult(id, kind, outcome, current.generation(), live.generation(), 0, pause,
                warning == null ? null : SwitchStep.UNFREEZE, warning, List.of()), warning == null ? live : flipped);
    }

    /** The end offset of every partition of {@code topic} now. */
    public Map<Integer, Long> endOffsets(String topic) throws Exception {
        int count = admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        for (int p = 0; p < count; p++) {
            ask.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<Integer, Long> out = new TreeMap<>();
        admin.listOffsets(ask).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        return out;
    }

    private static String fenceText(Map<Integer, Long> fence) {
        return fence.toString();
    }
}
