package io.shardshift.engine.run;

import io.shardshift.cdc.CaptureGroups;
import io.shardshift.core.spec.MigrationSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Which migrator process runs each capture group: the processes that run capture form the Kafka consumer group
 * {@code <prefix>.capture} on the topic {@code <prefix>.capture-groups}, which has one partition per capture
 * group, and a partition assigned to a process is its lease on that group. Assigned: the process waits until
 * the group's slot is no longer in use (the walsender of a previous holder that died may linger until
 * PostgreSQL notices) and starts the group's engine. Revoked or lost: it stops the engine, which stores its
 * position and lets go of the slot, before the partition goes elsewhere. A holder that dies (kill -9) loses
 * its lease after the session timeout, and a surviving process takes its groups over from their stored
 * positions. PostgreSQL's exclusivity of a slot (one active walsender) is the fence underneath: two engines
 * never stream one slot, whatever the leases say.
 *
 * <p>No records are read or written; the consumer only keeps the membership (cooperative rebalancing, so a
 * process joining takes groups over one by one without stopping the others).
 */
public final class CaptureLeases implements AutoCloseable {
    /** How long a new holder waits for its slot to be free before it fails. */
    static final Duration SLOT_WAIT = Duration.ofMinutes(3);
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(CaptureLeases.class);

    private final MigrationSpec spec;
    private final CaptureGroups capture;
    private final Consumer<Throwable> onFailure;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread poller;
    private final Map<Integer, String> waiting = new ConcurrentHashMap<>();
    private final CountDownLatch firstAssignment = new CountDownLatch(1);
    private volatile boolean closing;

    private CaptureLeases(MigrationSpec spec, CaptureGroups capture, String instanceId, Consumer<Throwable> onFailure) {
        this.spec = spec;
        this.capture = capture;
        this.onFailure = onFailure;
        this.consumer = new KafkaConsumer<>(consumerConfig(spec, instanceId), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.poller = new Thread(this::run, "shardshift-capture-leases-" + spec.name());
        this.poller.setDaemon(true);
    }

    /** The topic whose partitions are the leases: one per capture group. */
    public static String topic(MigrationSpec spec) {
        return spec.topicPrefix() + ".capture-groups";
    }

    /** The consumer group of the processes that run capture. */
    public static String groupId(MigrationSpec spec) {
        return spec.topicPrefix() + ".capture";
    }

    /**
     * Joins the lease group and runs the engines of the groups assigned to this process from now on.
     *
     * @param onFailure told when a group cannot be taken (its slot stays in use past {@link #SLOT_WAIT})
     */
    static CaptureLeases start(MigrationSpec spec, CaptureGroups capture, String instanceId, Consumer<Throwable> onFailure) {
        CaptureLeases leases = new CaptureLeases(spec, capture, instanceId, onFailure);
        leases.poller.start();
        return leases;
    }

    /** Waits for this process's first lease assignment (possibly empty); false on timeout. */
    boolean awaitFirstAssignment(Duration timeout) throws InterruptedException {
        return firstAssignment.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The groups this process was given but cannot run yet, with why (their slot is still in use). */
    Map<Integer, String> waiting() {
        return Map.copyOf(waiting);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic(spec)), new Listener());
            while (!closing) {
                consumer.poll(Duration.ofMillis(200));
            }
        } catch (WakeupException e) {
            if (!closing) {
                onFailure.accept(e);
            }
        } catch (RuntimeException e) {
            LOG.error("capture leases of migration {} failed: {}", spec.name(), e.getMessage(), e);
            onFailure.accept(e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                LOG.warn("closing the capture lease consumer of migration {} failed: {}", spec.name(), e.getMessage());
            }
        }
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            try {
                for (TopicPartition tp : partitions) {
                    take(tp.partition());
                }
            } finally {
                firstAssignment.countDown();
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(tp -> letGo(tp.partition(), "revoked"));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(tp -> letGo(tp.partition(), "lost"));
        }
    }

    private void take(int group) {
        if (closing) {
            return;
        }
        String slot = spec.slotName(group);
        try {
            awaitSlotFree(group, slot);
            if (closing) {
                return;
            }
            capture.hold(group);
            LOG.info("capture group {} (slot {}) of migration {} now runs in this process", group, slot, spec.name());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            LOG.error("cannot take capture group {} (slot {}) of migration {}: {}", group, slot, spec.name(),
                    e.getMessage(), e);
            onFailure.accept(e);
        } finally {
            waiting.remove(group);
        }
    }

    private void letGo(int group, String why) {
        if (capture.running(group).isPresent()) {
            LOG.info("capture group {} (slot {}) of migration {}: lease {}, stopping its engine here", group,
                    spec.slotName(group), spec.name(), why);
        }
        capture.release(group);
    }

    /**
     * Waits, backing off from 100 ms to 2 s, while another backend streams the slot (a previous holder, or its
     * walsender that PostgreSQL has not ended yet).
     *
     * @throws IllegalStateException naming the slot and backend when it stays in use past {@link #SLOT_WAIT}
     */
    private void awaitSlotFree(int group, String slot) throws SQLException, InterruptedException {
        Instant since = Instant.now();
        long deadline = System.nanoTime() + SLOT_WAIT.toNanos();
        long pause = 100;
        try (Connection c = DriverManager.getConnection(spec.source().jdbcUrl(), spec.source().user(), spec.source().password());
             PreparedStatement ps = c.prepareStatement(
                     "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
            ps.setString(1, slot);
            while (!closing) {
                Integer pid;
                try (ResultSet rs = ps.executeQuery()) {
                    pid = rs.next() ? rs.getInt(1) : null;
                }
                if (pid == null) {
                    return;
                }
                String status = "waiting since " + since + " for slot " + slot + " to be free: still streamed by backend"
                        + " pid " + pid + " (the previous holder, or its walsender PostgreSQL has not ended yet)";
                if (waiting.put(group, status) == null) {
                    LOG.info("capture group {} of migration {}: {}", group, spec.name(), status);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("capture group " + group + " of migration " + spec.name() + ": slot "
                            + slot + " is still streamed by backend pid " + pid + " after " + SLOT_WAIT.toMinutes()
                            + " min; is a migrator of this spec running outside the lease group (an older version)?"
                            + " Stop it, or end the backend with SELECT pg_terminate_backend(" + pid + ")");
                }
                Thread.sleep(pause);
                pause = Math.min(2_000, pause * 2);
            }
        }
    }

    /**
     * Which instance holds each capture group's lease, from the lease group's members (their client id is their
     * instance id); a group no member holds is left out.
     */
    public static Map<Integer, String> holders(org.apache.kafka.clients.admin.Admin admin, MigrationSpec spec)
            throws Exception {
        Map<Integer, String> out = new java.util.TreeMap<>();
        var description = admin.describeConsumerGroups(List.of(groupId(spec))).all().get(5, TimeUnit.SECONDS)
                .get(groupId(spec));
        if (description == null) {
            return out;
        }
        for (var member : description.members()) {
            for (TopicPartition tp : member.assignment().topicPartitions()) {
                if (tp.topic().equals(topic(spec))) {
                    out.put(tp.partition(), member.clientId());
                }
            }
        }
        return out;
    }

    /** Leaves the lease group: stops the engines of this process's groups, so other processes take them. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            poller.join(TimeUnit.SECONDS.toMillis(90));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Properties consumerConfig(MigrationSpec spec, String instanceId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.kafka().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(spec));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, instanceId);
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
        // starting or stopping an engine (and waiting for its slot) runs inside poll
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) (SLOT_WAIT.toMillis() + Duration.ofMinutes(2).toMillis()));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return p;
    }
}
