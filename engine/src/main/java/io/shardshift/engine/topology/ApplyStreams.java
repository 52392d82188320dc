package io.shardshift.engine.topology;

import io.shardshift.core.sink.SinkException;
import io.shardshift.core.spec.MigrationSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs the apply topology: the runtime half, kept apart from {@link ApplyTopology} (which only builds).
 * Exactly-once v2, so offsets and dead letters of a commit go together; a failure of any stream thread
 * shuts the whole client down and is reported, since skipping data is never an option.
 *
 * <pre>{@code
 * TargetOutages outages = TargetOutages.giveUpAfter(Duration.ofMinutes(30));
 * List<ApplyStreams> apply = ApplyStreams.startAll(spec, stateDir, sinks, dlq, new ApplyMetrics(), pauses,
 *         outages, err -> alert(err));
 * ...
 * outages.stop();                       // a thread waiting for a target stops waiting
 * apply.forEach(ApplyStreams::close);
 * }</pre>
 */
public final class ApplyStreams implements AutoCloseable {
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);
    /**
     * Commit interval: how long an applied event's offset may stay uncommitted. A cutover's drain waits for
     * the commit that follows the last event before its fence, so this bounds part of the write pause;
     * each commit also writes the buffered events, so it bounds the apply latency too.
     */
    public static final Duration COMMIT_INTERVAL = Duration.ofMillis(50);
    /**
     * How long a stream thread blocks in a poll that returns nothing. A due commit waits for the thread to
     * come back from that poll, so it stays well under {@link #COMMIT_INTERVAL}.
     */
    public static final Duration POLL_TIME = Duration.ofMillis(10);

    private static final Logger LOG = LoggerFactory.getLogger(ApplyStreams.class);
    /** The consumer's own {@code max.poll.interval.ms}; apply never sets less. */
    private static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(5);
    /** What a stream thread may take beyond an outage's give-up before it polls again. */
    private static final Duration POLL_MARGIN = Duration.ofMinutes(2);

    private final KafkaStreams streams;
    private final String applicationId;
    private final String memberId;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private ApplyStreams(KafkaStreams streams, String applicationId, String memberId) {
        this.streams = streams;
        this.applicationId = applicationId;
        this.memberId = memberId;
    }

    /**
     * The Streams configuration of a migration's apply application: application id
     * {@code <topicPrefix>.apply}, exactly_once_v2, the spec's replication factor and apply threads,
     * commit every {@link #COMMIT_INTERVAL}, polls of at most {@link #POLL_TIME}, state under {@code stateDir},
     * the migration's name under {@link ApplyTopology#MIGRATION_CONFIG} for the stream threads' logs, and a
     * static group member id kept in the state directory ({@link InstanceIds}).
     */
    public static Properties config(MigrationSpec spec, Path stateDir) {
        return config(spec, applicationId(spec), stateDir, spec.applyOrDefaults().outageGiveUpOrDefault());
    }

    /**
     * As {@link #config(MigrationSpec, Path)} for the application {@code applicationId} (an {@link ApplyGroup}'s),
     * letting a stream thread go without polling for up to {@code outageGiveUp} and a little more: a thread
     * that waits out a target's outage keeps its partitions rather than being dropped from the group.
     */
    public static Properties config(MigrationSpec spec, String applicationId, Path stateDir, Duration outageGiveUp) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        long maxPoll = Math.max(DEFAULT_MAX_POLL_INTERVAL.toMillis(), outageGiveUp.plus(POLL_MARGIN).toMillis());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
                (int) Math.min(Integer.MAX_VALUE, maxPoll));
        p.put(ApplyTopology.MIGRATION_CONFIG, spec.name());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) spec.replicationFactor());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, spec.applyOrDefaults().threadsOrDefault());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL.toMillis());
        p.put(StreamsConfig.POLL_MS_CONFIG, POLL_TIME.toMillis());
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailProcessingExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // a static member: a restart on the same state directory takes its partitions back without waiting for
        // the dead member's session to expire (Kafka Streams adds each stream thread's index to the id)
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), InstanceIds.of(stateDir, applicationId));
        return p;
    }

    /**
     * The Streams application id (and consumer group) of a migration's PostgreSQL apply group (see
     * {@link ApplyGroup}; the search targets have a group of their own).
     */
    public static String applicationId(MigrationSpec spec) {
        return spec.topicPrefix() + ".apply";
    }

    /**
     * Starts one Kafka Streams application per {@linkplain ApplyGroup apply group} of the migration, each
     * with the same sinks, dead letters, metrics, pauses and outages. When one fails to start, those already
     * started are closed.
     */
    public static List<ApplyStreams> startAll(MigrationSpec spec, Path stateDir, SinkFactory sinks,
                                              DeadLetterPublisher deadLetters, ApplyMetrics metrics, TablePauses pauses,
                                              TargetOutages outages, Consumer<Throwable> onFatalError) {
        List<ApplyStreams> started = new ArrayList<>();
        try {
            for (ApplyGroup group : ApplyGroup.of(spec)) {
                Topology topology = ApplyTopology.build(group.config(), sinks, deadLetters, metrics, pauses, outages);
                started.add(start(topology, config(spec, group.applicationId(), stateDir, outages.policy().giveUp()),
                        onFatalError));
            }
        } catch (RuntimeException e) {
            started.forEach(a -> a.close(Duration.ofSeconds(30)));
            throw e;
        }
        return List.copyOf(started);
    }

    /**
     * Starts a topology. When a stream thread fails, the whole client shuts down and
     * {@code onFatalError} is called with the error (on the failing thread).
     */
    public static ApplyStreams start(Topology topology, Properties config, Consumer<Throwable> onFatalError) {
        Objects.requireNonNull(onFatalError, "onFatalError");
        KafkaStreams streams = new KafkaStreams(topology, config);
        Object member = config.get(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        ApplyStreams apply = new ApplyStreams(streams, String.valueOf(config.get(StreamsConfig.APPLICATION_ID_CONFIG)),
                member == null ? null : member.toString());
        streams.setUncaughtExceptionHandler(error -> {
            if (causedBy(error, ApplyStoppedException.class)) {
                LOG.info("Apply topology {} stopped while waiting for a target: {}",
                        config.get(StreamsConfig.APPLICATION_ID_CONFIG), error.getMessage());
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            LOG.error("Apply topology {} failed; shutting down the client so no change is skipped",
                    config.get(StreamsConfig.APPLICATION_ID_CONFIG), error);
            Throwable reported = reportable(error);
            apply.failure.compareAndSet(null, reported);
            try {
                onFatalError.accept(reported);
            } catch (RuntimeException e) {
                LOG.warn("The fatal error callback failed: {}", e.toString());
            }
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> LOG.info("Apply topology {}: {} -> {}",
                config.get(StreamsConfig.APPLICATION_ID_CONFIG), before, now));
        streams.start();
        return apply;
    }

    /**
     * The error to report for a failed stream thread: the target's own {@link SinkException} when there is
     * one in the chain (one line naming the target, e.g. after an outage outlasted its give-up), rather than
     * Kafka Streams' wrapper, whose message carries the task, offsets and a stack trace.
     */
    static Throwable reportable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SinkException) {
                return t;
            }
        }
        return error;
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The change-topic partitions this process's stream threads apply now, as {@code <application id>/<topic>-<partition>};
     * empty while the client rebalances, has stopped, or holds none (another process of the group has them all).
     */
    public List<String> heldPartitions() {
        return held(true);
    }

    /** The active tasks of this process's stream threads, as {@code <application id>/<task id>} (e.g. {@code shop.apply/0_1}). */
    public List<String> heldTasks() {
        return held(false);
    }

    /**
     * This client's static group member id as {@code <application id>/<group.instance.id>} (Kafka Streams adds
     * {@code -<thread index>} per stream thread), or empty when it has none.
     */
    public Optional<String> member() {
        return memberId == null ? Optional.empty() : Optional.of(applicationId + "/" + memberId);
    }

    /**
     * Removes the static members of a migrator process that is gone (killed, its host lost) from their apply
     * groups, so the group gives their partitions to the live members now rather than after the session timeout
     * (45 s). Each of {@code members} is an {@link #member()} of that process. Safe if the process is in fact
     * alive: its members rejoin, and exactly-once fences what the removed ones had not committed.
     *
     * @return the group instance ids removed
     */
    public static List<String> removeMembers(String bootstrapServers, Collection<String> members)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> removed = new ArrayList<>();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            for (String member : members) {
                int slash = member.indexOf('/');
                String group = member.substring(0, slash);
                String base = member.substring(slash + 1) + "-";
                var description = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS)
                        .get(group);
                List<String> gone = description.members().stream()
                        .map(m -> m.groupInstanceId().orElse(""))
                        .filter(id -> id.startsWith(base)).toList();
                if (!gone.isEmpty()) {
                    admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions(
                            gone.stream().map(MemberToRemove::new).toList()))
                            .all().get(10, TimeUnit.SECONDS);
                    removed.addAll(gone);
                    LOG.info("removed the static members {} of a lost migrator from apply group {}", gone, group);
                }
            }
        }
        return removed;
    }

    private List<String> held(boolean partitions) {
        List<String> out = new ArrayList<>();
        try {
            streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task -> {
                if (partitions) {
                    task.topicPartitions().forEach(tp -> out.add(applicationId + "/" + tp));
                } else {
                    out.add(applicationId + "/" + task.taskId());
                }
            }));
        } catch (IllegalStateException e) {
            return List.of(); // not running
        }
        return out;
    }

    /** The client's state. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Whether every thread is processing (not rebalancing, not failed). */
    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** The error that stopped the client, if one did (see {@link #reportable}). */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /**
     * Stops processing: buffered events are written and offsets committed by the clean shutdown.
     *
     * @return whether every thread stopped within the timeout
     */
    public boolean close(Duration timeout) {
        if (streams.close(timeout)) {
            return true;
        }
        // The shutdown goes on in the background; its state directory stays locked until it ends, so a runner
        // started again on the same directory would fail. Wait for it a while longer.
        LOG.warn("apply topology did not stop within {} (state {}); waiting up to {} more", timeout, streams.state(),
                SHUTDOWN_GRACE);
        long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        while (!stopped(streams.state()) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        return stopped(streams.state());
    }

    private static boolean stopped(KafkaStreams.State state) {
        return state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.ERROR;
    }

    /** Closes with a 60 s timeout. */
    @Override
    public void close() {
        if (!close(Duration.ofSeconds(60))) {
            LOG.warn("Apply topology did not stop within 60 s");
        }
    }
}
