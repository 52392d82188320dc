package io.shardshift.rebalance;

import io.shardshift.audit.AuditTrail;
import io.shardshift.client.ConfigFollower;
import io.shardshift.client.StreamRoute;
import io.shardshift.cutover.ConfigPublisher;
import io.shardshift.cutover.CutoverResult;
import io.shardshift.cutover.PartitionReassigner;
import io.shardshift.cutover.StreamSwitch;
import io.shardshift.cutover.SwitchKind;
import io.shardshift.cutover.SwitchStep;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A stream rebalance: expands a keyed topic in place to a multiple of its live partition count and flips the
 * producers' route on the config topic. Steps, each in the audit trail: {@code validate} (all problems at once,
 * naming {@code topic} or {@code new_partitions}), {@code route} (the route record, route {@code old}, both
 * counts), {@code expand} ({@code Admin.createPartitions}; the topic's {@code min.insync.replicas} is checked to
 * be unchanged), {@code reassign} ({@link StreamReassignment}: a {@link PartitionReassigner}; the cutover is
 * refused while it runs), then on request the cutover or rollback ({@link StreamSwitch}). Status:
 * {@link StreamStatus}.
 */
public final class StreamExpansion implements Switchover {
    private static final Logger LOG = LoggerFactory.getLogger(StreamExpansion.class);
    private static final String ACTOR = "stream-rebalance";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String id;
    private final String topic;
    private final int newPartitions;
    private final Admin admin;
    private final ConfigPublisher publisher;
    private final ConfigFollower follower;
    private final AuditTrail audit;
    private final StreamSwitch switcher;
    private final StreamReassignment reassignment;
    private volatile StreamRoute route;
    private volatile RebalancePhase phase = RebalancePhase.STARTING;
    private volatile Throwable failure;
    private volatile String minInsyncReplicas;
    private volatile CutoverResult last;

    private StreamExpansion(String id, String topic, int newPartitions, Admin admin, ConfigPublisher publisher,
                            ConfigFollower follower, AuditTrail audit, StreamReassignment reassignment, Duration settle) {
        this.id = id;
        this.topic = topic;
        this.newPartitions = newPartitions;
        this.admin = admin;
        this.publisher = publisher;
        this.follower = follower;
        this.audit = audit;
        this.reassignment = reassignment;
        this.switcher = new StreamSwitch(admin, publisher, audit, settle, TIMEOUT);
    }

    /**
     * Opens an expansion with the default reassignment choice (run {@code reassigner} when the cluster has more
     * than one broker, at its default throttle); see the other {@code open}.
     */
    public static StreamExpansion open(String id, String bootstrapServers, String configTopic, short replicationFactor,
                                       String auditTopic, Path stateDir, String topic, Integer newPartitions,
                                       PartitionReassigner reassigner, Duration settle) {
        return open(id, bootstrapServers, configTopic, replicationFactor, auditTopic, stateDir, topic, newPartitions,
                reassigner, null, null, settle);
    }

    /**
     * Opens an expansion of {@code topic} to {@code newPartitions} and validates it; nothing is changed yet.
     *
     * @param configTopic            the config topic producers follow
     * @param stateDir               where its audit trail goes ({@code audit.log})
     * @param reassign               whether to balance leaders and replicas after the expansion ({@code reassign});
     *                               null: when the cluster has more than one broker
     * @param throttleBytesPerSecond the replication throttle per broker ({@code throttle_bytes_per_second}), at least
     *                               1024; null: the reassigner's default
     * @param settle                 the wait between freeze and fence
     * @throws RebalanceException invalid, naming every field at fault
     */
    public static StreamExpansion open(String id, String bootstrapServers, String configTopic, short replicationFactor,
                                       String auditTopic, Path stateDir, String topic, Integer newPartitions,
                                       PartitionReassigner reassigner, Boolean reassign, Long throttleBytesPerSecond,
                                       Duration settle) {
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        ConfigFollower follower = null;
        ConfigPublisher publisher = null;
        try {
            follower = ConfigFollower.start(bootstrapServers, configTopic, Map.of("fetch.max.wait.ms", 20));
            publisher = ConfigPublisher.create(bootstrapServers, configTopic, replicationFactor, TIMEOUT);
            if (!follower.awaitCaughtUp(TIMEOUT)) {
                throw RebalanceException.unavailable("cannot read the config topic " + configTopic + " within " + TIMEOUT);
            }
            List<String> problems = problems(admin, follower, configTopic, topic, newPartitions);
            problems.addAll(StreamReassignment.problems(reassign, throttleBytesPerSecond));
            if (!problems.isEmpty()) {
                throw RebalanceException.invalid(String.join("; ", problems));
            }
            boolean doReassign = reassign != null ? reassign : brokerCount(admin) > 1;
            OptionalLong throttle = throttleBytesPerSecond == null ? OptionalLong.empty()
                    : OptionalLong.of(throttleBytesPerSecond);
            AuditTrail audit = auditTopic == null ? AuditTrail.toFile(stateDir.resolve("audit.log"))
                    : AuditTrail.toFileAndTopic(stateDir.resolve("audit.log"), bootstrapServers, auditTopic);
            StreamExpansion e = new StreamExpansion(id, topic, newPartitions, admin, publisher, follower, audit,
                    new StreamReassignment(id, topic, audit, reassigner, doReassign, throttle), settle);
            audit.append(ACTOR, "validate", Map.of("id", id, "topic", topic, "new_partitions", newPartitions,
                    "reassign", doReassign, "throttle_bytes_per_second",
                    throttle.isPresent() ? throttle.getAsLong() : "default"));
            return e;
        } catch (RuntimeException | InterruptedException e) {
            if (publisher != null) {
                publisher.close();
            }
            if (follower != null) {
                follower.close();
            }
            admin.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw RebalanceException.unavailable("interrupted while validating the expansion of " + topic);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Every problem with expanding {@code topic} to {@code newPartitions}: a missing or unknown topic, a count that
     * is not more than the live count, not a multiple of it, or fewer than the partitions the topic has.
     */
    static List<String> problems(Admin admin, ConfigFollower follower, String configTopic, String topic,
                                 Integer newPartitions) throws InterruptedException {
        List<String> out = new ArrayList<>();
        if (newPartitions == null || newPartitions < 1) {
            out.add("'new_partitions' must be a partition count of at least 1, was " + newPartitions);
        }
        if (topic == null || topic.isBlank()) {
            out.add("'topic' is required");
            return out;
        }
        if (topic.equals(configTopic) || topic.startsWith("__")) {
            out.add("'topic' " + topic + " is an internal or config topic, which keeps one partition");
            return out;
        }
        int physical;
        try {
            physical = describe(admin, topic).partitions().size();
        } catch (UnknownTopicOrPartitionException e) {
            out.add("'topic': no topic '" + topic + "' on the cluster");
            return out;
        }
        if (newPartitions == null || newPartitions < 1) {
            return out;
        }
        Optional<StreamRoute> route = follower.streamRoute(topic);
        int live = route.map(StreamRoute::livePartitions).orElse(physical);
        if (newPartitions <= live) {
            out.add("'new_partitions' (" + newPartitions + ") must be more than the " + live
                    + " partitions producers route by now");
        } else if (newPartitions % live != 0) {
            out.add("'new_partitions' (" + newPartitions + ") must be a multiple of the live count " + live
                    + " (e.g. " + 2 * live + " or " + 3 * live + "), so each new partition takes keys of one old partition");
        }
        if (newPartitions < physical) {
            out.add("'new_partitions' (" + newPartitions + ") is fewer than the " + physical + " partitions topic '"
                    + topic + "' has (Kafka cannot remove partitions)");
        }
        if (route.map(StreamRoute::frozen).orElse(false)) {
            out.add("'topic' " + topic + ": its route is frozen (a flip is under way or was interrupted)");
        }
        return out;
    }

    private static int brokerCount(Admin admin) throws InterruptedException {
        try {
            return admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
        } catch (ExecutionException e) {
            throw RebalanceException.unavailable("cannot describe the Kafka cluster: " + e.getCause().getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            throw RebalanceException.unavailable("Kafka did not describe the cluster within " + TIMEOUT);
        }
    }

    private static TopicDescription describe(Admin admin, String topic) throws InterruptedException {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException u) {
                throw u;
            }
            throw RebalanceException.unavailable("cannot describe topic " + topic + ": " + e.getCause().getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            throw RebalanceException.unavailable("Kafka did not describe topic " + topic + " within " + TIMEOUT);
        }
    }

    /**
     * Publishes the route, adds the partitions and runs the reassignment step; the phase is then expanded (or
     * failed, with the reason). The registry runs it in the background after {@link #open}.
     */
    public void expand() {
        try {
            int physical = describe(admin, topic).partitions().size();
            StreamRoute current = follower.streamRoute(topic).orElse(null);
            StreamRoute start = current == null
                    ? new StreamRoute(topic, StreamRoute.OLD, physical, newPartitions, 1, false, List.of())
                    : new StreamRoute(topic, StreamRoute.OLD, current.livePartitions(), newPartitions,
                    current.generation(), false, current.flips());
            switcher.publish(start, id, "expand " + id + ": route old, " + start.oldPartitions() + " -> " + newPartitions);
            route = start;
            audit.append(ACTOR, "route", Map.of("id", id, "route", "old", "oldPartitions", start.oldPartitions(),
                    "newPartitions", newPartitions, "generation", start.generation()));
            String minIsrBefore = minInsync();
            if (physical < newPartitions) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(newPartitions))).all()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            awaitPartitions();
            minInsyncReplicas = minInsync();
            if (!minInsyncReplicas.equals(minIsrBefore)) {
                throw new IllegalStateException("min.insync.replicas of " + topic + " changed from " + minIsrBefore
                        + " to " + minInsyncReplicas);
            }
            audit.append(ACTOR, "expand", Map.of("id", id, "topic", topic, "partitions", newPartitions,
                    "before", physical, "min.insync.replicas", minInsyncReplicas));
            reassignment.start(admin);
            phase = RebalancePhase.EXPANDED;
            LOG.info("stream rebalance {}: topic {} has {} partitions; producers route by {} until cutover", id, topic,
                    newPartitions, start.oldPartitions());
            reassignment.awaitEnd();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failure = e;
            phase = RebalancePhase.FAILED;
            audit.append(ACTOR, "abort", Map.of("id", id, "step", "expand", "reason", String.valueOf(e.getMessage())));
            LOG.warn("stream rebalance {} failed to expand {}: {}", id, topic, e.getMessage());
        }
    }

    private void awaitPartitions() throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (describe(admin, topic).partitions().size() < newPartitions) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " does not show " + newPartitions + " partitions after "
                        + TIMEOUT);
            }
            Thread.sleep(100);
        }
    }

    private String minInsync() throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config c = admin.describeConfigs(List.of(r)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(r);
        var entry = c.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        return entry == null ? "default" : entry.value();
    }

    @Override
    public synchronized CutoverResult cutover() {
        return switchTo(SwitchKind.CUTOVER, StreamRoute.NEW, "operator cutover");
    }

    @Override
    public synchronized CutoverResult rollback(String reason) {
        return switchTo(SwitchKind.ROLLBACK, StreamRoute.OLD, reason);
    }

    private CutoverResult switchTo(SwitchKind kind, String to, String reason) {
        String sid = kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + System.currentTimeMillis();
        StreamRoute r = route;
        String refused = null;
        if (phase == RebalancePhase.STARTING || r == null) {
            refused = "the topic is still being expanded";
        } else if (phase == RebalancePhase.FAILED) {
            refused = "the expansion failed: " + failure.getMessage();
        } else if (r.route().equals(to)) {
            refused = "route " + to + " (" + r.livePartitions() + " partitions) is live already";
        } else if (kind == SwitchKind.CUTOVER && reassignment.cutoverRefusal() != null) {
            refused = reassignment.cutoverRefusal();
        } else {
            refused = changedElsewhere(r);
        }
        if (refused != null) {
            audit.append("stream-cutover", "abort", Map.of("id", sid, "step", "precheck", "reason", refused));
            last = new CutoverResult(sid, kind, CutoverResult.Outcome.ABORTED, r == null ? 0 : r.generation(),
                    r == null ? 0 : r.generation(), 0, 0, SwitchStep.PRECHECK, refused, List.of());
            return last;
        }
        if (kind == SwitchKind.CUTOVER && !reassignment.awaitLeaderQuiet(sid)) {
            refused = "interrupted while waiting " + StreamReassignment.LEADER_QUIET
                    + " after the reassignment moved leaders";
            audit.append("stream-cutover", "abort", Map.of("id", sid, "step", "precheck", "reason", refused));
            last = new CutoverResult(sid, kind, CutoverResult.Outcome.ABORTED, r.generation(), r.generation(), 0, 0,
                    SwitchStep.PRECHECK, refused, List.of());
            return last;
        }
        StreamSwitch.Flipped f = switcher.flip(kind, sid, id, r, to, reason);
        if (f.route() != null) {
            route = f.route();
            phase = RebalancePhase.after(kind);
        }
        last = f.result();
        return last;
    }

    /** Why the route on the config topic is no longer the one this rebalance published, or null. */
    private String changedElsewhere(StreamRoute mine) {
        try {
            if (!follower.awaitSynced(TIMEOUT)) {
                return "cannot read the config topic up to now within " + TIMEOUT;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while reading the config topic";
        }
        StreamRoute now = follower.streamRoute(topic).orElse(null);
        if (now == null || now.generation() != mine.generation() || now.newPartitions() != mine.newPartitions()) {
            return "the route of topic " + topic + " was changed by another rebalance (now generation "
                    + (now == null ? "none" : now.generation() + ", " + now.newPartitions() + " new partitions")
                    + "); start a new stream rebalance";
        }
        return null;
    }

    @Override
    public long liveGeneration() {
        StreamRoute r = route;
        return r == null ? 0 : r.generation();
    }

    @Override
    public Optional<CutoverResult> lastResult() {
        return Optional.ofNullable(last);
    }

    /** Where it stands: starting (expanding), expanded, cut-over, rolled-back or failed. */
    public RebalancePhase phase() {
        return phase;
    }

    /** Why it failed, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** The topic it expands. */
    public String topic() {
        return topic;
    }

    /** The status fields: route, counts, reassignment, lag per group and partition, gates. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        StreamRoute r = route;
        out.put("topic", topic);
        out.put("route", r == null ? null : r.route());
        out.put("livePartitions", r == null ? null : r.livePartitions());
        out.put("oldPartitions", r == null ? null : r.oldPartitions());
        out.put("newPartitions", newPartitions);
        out.put("routeGeneration", r == null ? null : r.generation());
        out.put("fence", r == null ? Map.of() : r.fence());
        out.put("minInsyncReplicas", minInsyncReplicas);
        out.put("reassignment", reassignment.status());
        out.putAll(StreamStatus.of(admin, topic, r, newPartitions, TIMEOUT));
        if (out.containsKey("gates")) {
            out.put("gates", reassignment.withGate(out.get("gates")));
        }
        return out;
    }

    @Override
    public void close() {
        reassignment.close();
        follower.close();
        publisher.close();
        audit.close();
        admin.close();
    }
}
