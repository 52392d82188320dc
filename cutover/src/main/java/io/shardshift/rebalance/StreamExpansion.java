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
 * be unchanged), {@code reassign} ({@link PartitionReassigner}), then on request the cutover or rollback
 * ({@link StreamSwitch}). Status: {@link StreamStatus}.
 */
public final class StreamExpansion implements Switchover {
    private static final Logger LOG = LoggerFactory.getLogger(StreamExpansion.class);
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
    private final int newPartitions;
    private final Admin admin;
    private final ConfigPublisher publisher;
    private final ConfigFollower follower;
    private final AuditTrail audit;
    private final StreamSwitch switcher;
    private final PartitionReassigner reassigner;
    private volatile StreamRoute route;
    private volatile RebalancePhase phase = RebalancePhase.STARTING;
    private volatile Throwable failure;
    private final boolean reassign;
    private final OptionalLong throttle;
    private volatile PartitionReassigner.Running reassignment =
            PartitionReassigner.Running.finished(PartitionReassigner.Report.notRun());
    private volatile boolean closed;
    private volatile long leadersMovedAtNanos;
    private volatile String minInsyncReplicas;
    private volatile CutoverResult last;

    private StreamExpansion(String id, String topic, int newPartitions, Admin admin, ConfigPublisher publisher,
                            ConfigFollower follower, AuditTrail audit, PartitionReassigner reassigner, boolean reassign,
                            OptionalLong throttle, Duration settle) {
        this.id = id;
        this.topic = topic;
        this.newPartitions = newPartitions;
        this.admin = admin;
        this.publisher = publisher;
        this.follower = follower;
        this.audit = audit;
        this.reassigner = reassigner;
        this.reassign = reassign;
        this.throttle = throttle;
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
            problems.addAll(reassignProblems(reassign, throttleBytesPerSecond));
            if (!problems.isEmpty()) {
                throw RebalanceException.invalid(String.join("; ", problems));
            }
            AuditTrail audit = auditTopic == null ? AuditTrail.toFile(stateDir.resolve("audit.log"))
                    : AuditTrail.toFileAndTopic(stateDir.resolve("audit.log"), bootstrapServers, auditTopic);
            boolean doReassign = reassign != null ? reassign : brokerCount(admin) > 1;
            OptionalLong throttle = throttleBytesPerSecond == null ? OptionalLong.empty()
                    : OptionalLong.of(throttleBytesPerSecond);
            StreamExpansion e = new StreamExpansion(id, topic, newPartitions, admin, publisher, follower, audit,
                    reassigner, doReassign, throttle, settle);
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

    /** Problems with the reassignment fields: a throttle below 1024 B/s, or a throttle without a reassignment. */
    static List<String> reassignProblems(Boolean reassign, Long throttleBytesPerSecond) {
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
            PartitionReassigner.Running running = reassign ? startReassignment()
                    : PartitionReassigner.Running.finished(PartitionReassigner.Report.notRun());
            reassignment = running;
            phase = RebalancePhase.EXPANDED;
            LOG.info("stream rebalance {}: topic {} has {} partitions; producers route by {} until cutover", id, topic,
                    newPartitions, start.oldPartitions());
            awaitReassignment(running);
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

    /**
     * Starts the reassignment; one that cannot start (e.g. a replica on an offline broker) is reported failed with
     * its reason, as a run that fails later is: the partitions exist, only the balance is missing.
     */
    private PartitionReassigner.Running startReassignment() throws Exception {
        try {
            return reassigner.start(admin, topic, throttle);
        } catch (RuntimeException e) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("error", "could not start: " + e.getMessage());
            return PartitionReassigner.Running.finished(new PartitionReassigner.Report("failed", true, d));
        }
    }

    /**
     * Waits for the reassignment to end (the cutover is refused until then) and audits its outcome; a failed
     * reassignment leaves the expansion usable (no record is at stake, only the balance), and says so in status.
     */
    private void awaitReassignment(PartitionReassigner.Running running) throws InterruptedException {
        PartitionReassigner.Report r = running.report();
        if (r.finished() && "not run".equals(r.state())) {
            audit.append(ACTOR, "reassign", Map.of("id", id, "state", r.state()));
            return;
        }
        audit.append(ACTOR, "reassign", Map.of("id", id, "state", "started", "throttle_bytes_per_second",
                String.valueOf(r.details().get("throttleBytesPerSecond"))));
        try {
            while (!r.finished() && !closed) {
                r = running.await(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            running.cancel();
            throw e;
        }
        Map<String, Object> d = new LinkedHashMap<>(Map.of("id", id, "state", r.state()));
        d.put("partitions", r.details().get("partitionsDone") + "/" + r.details().get("partitionsTotal"));
        d.put("before", String.valueOf(r.details().get("before")));
        d.put("after", String.valueOf(r.details().get("after")));
        if (r.details().get("error") != null) {
            d.put("error", r.details().get("error"));
        }
        if (r.details().get("partitionsTotal") instanceof Integer n && n > 0) {
            leadersMovedAtNanos = System.nanoTime();
        }
        audit.append(ACTOR, "reassign", d);
        if ("done".equals(r.state())) {
            LOG.info("stream rebalance {}: topic {} reassigned: {}", id, topic, r.details());
        } else {
            LOG.warn("stream rebalance {}: the reassignment of {} ended {}: {}", id, topic, r.state(),
                    r.details().get("error"));
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
        } else if (kind == SwitchKind.CUTOVER && !reassignment.report().finished()) {
            PartitionReassigner.Report now = reassignment.report();
            refused = "the reassignment of topic " + topic + " is still running (" + now.state() + ", "
                    + now.details().get("partitionsDone") + " of " + now.details().get("partitionsTotal")
                    + " partitions); cut over once the status shows it done";
        } else {
            refused = changedElsewhere(r);
        }
        if (refused != null) {
            audit.append("stream-cutover", "abort", Map.of("id", sid, "step", "precheck", "reason", refused));
            last = new CutoverResult(sid, kind, CutoverResult.Outcome.ABORTED, r == null ? 0 : r.generation(),
                    r == null ? 0 : r.generation(), 0, 0, SwitchStep.PRECHECK, refused, List.of());
            return last;
        }
        if (kind == SwitchKind.CUTOVER && !awaitLeaderQuiet(sid)) {
            refused = "interrupted while waiting " + LEADER_QUIET + " after the reassignment moved leaders";
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

    /** Waits until {@link #LEADER_QUIET} has passed since the reassignment moved leaders; false if interrupted. */
    private boolean awaitLeaderQuiet(String sid) {
        long moved = leadersMovedAtNanos;
        if (moved == 0) {
            return true;
        }
        long left = LEADER_QUIET.toNanos() - (System.nanoTime() - moved);
        if (left <= 0) {
            return true;
        }
        LOG.info("{}: the reassignment moved leaders {} ms ago; waiting {} ms so producers' retries land before the"
                + " fence", sid, (System.nanoTime() - moved) / 1_000_000, left / 1_000_000);
        try {
            TimeUnit.NANOSECONDS.sleep(left);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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
        PartitionReassigner.Report re = reassignment.report();
        Map<String, Object> reassign = new LinkedHashMap<>();
        reassign.put("requested", this.reassign);
        reassign.put("state", re.state());
        reassign.putAll(re.details());
        out.put("reassignment", reassign);
        out.putAll(StreamStatus.of(admin, topic, r, newPartitions, TIMEOUT));
        if (this.reassign && out.get("gates") instanceof List<?> gates) {
            List<Object> all = new ArrayList<>(gates);
            all.add(StreamStatus.balancedGate(re));
            out.put("gates", all);
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        PartitionReassigner.Running running = reassignment;
        if (!running.report().finished()) {
            running.cancel();
            try {
                running.await(TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        follower.close();
        publisher.close();
        audit.close();
        admin.close();
    }
}
