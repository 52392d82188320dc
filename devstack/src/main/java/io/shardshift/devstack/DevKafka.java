package io.shardshift.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one node) running in this JVM, for
 * integration tests and the quickstart.
 *
 * <p>It listens on free loopback ports, keeps its log in a temporary directory deleted on close, and
 * is set up for {@code exactly_once_v2} on one broker: every internal topic has replication factor 1.
 * Topics are never auto-created; create them with {@link #createTopic} or {@link #createCompactedTopic}.
 *
 * <pre>{@code
 * try (DevKafka kafka = DevKafka.start()) {
 *     kafka.createTopic("orders.changes", 3);
 *     props.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * }</pre>
 */
public final class DevKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DevKafka.class);
    private static final int START_ATTEMPTS = 3;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private volatile KafkaRaftServer server;
    private final KafkaConfig config;
    private final Admin admin;
    private final Path workDir;
    private final int brokerPort;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DevKafka(KafkaRaftServer server, KafkaConfig config, Admin admin, Path workDir, int brokerPort) {
        this.server = server;
        this.config = config;
        this.admin = admin;
        this.workDir = workDir;
        this.brokerPort = brokerPort;
    }

    /** Formats a new log directory and starts the broker; returns once it accepts requests. */
    public static DevKafka start() {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce();
            } catch (RuntimeException e) {
                LOG.warn("Kafka did not start (attempt {} of {}): {}", attempt, START_ATTEMPTS, e.toString());
                last = e;
            }
        }
        throw new IllegalStateException("Could not start Kafka after " + START_ATTEMPTS + " attempts", last);
    }

    private static DevKafka startOnce() {
        int[] ports = FreePorts.find(2);
        Path workDir = TempDirs.create("shardshift-kafka-");
        KafkaRaftServer server = null;
        Admin admin = null;
        try {
            Path logDir = workDir.resolve("log");
            KafkaConfig config = KafkaConfig.fromProps(KafkaBrokerProps.create(ports[0], ports[1], logDir));
            format(logDir);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + ports[0]));
            DevKafka kafka = new DevKafka(server, config, admin, workDir, ports[0]);
            kafka.awaitBrokerVisible();
            LOG.info("Kafka started on {} (controller port {}, log {})", kafka.bootstrapServers(), ports[1], logDir);
            return kafka;
        } catch (Exception e) {
            stopQuietly(server, admin);
            TempDirs.deleteQuietly(workDir);
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    private static void format(Path logDir) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setClusterId(Uuid.randomUuid().toString())
                .setNodeId(KafkaBrokerProps.NODE_ID)
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName(KafkaBrokerProps.CONTROLLER_LISTENER)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
    }

    private void awaitBrokerVisible() throws ExecutionException, InterruptedException, TimeoutException {
        if (admin.describeCluster().nodes().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).isEmpty()) {
            throw new IllegalStateException("Kafka on " + bootstrapServers() + " started but lists no broker");
        }
    }

    /** {@code 127.0.0.1:PORT}, the value for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Creates a topic with one replica per partition and waits until every partition has a leader. */
    public void createTopic(String name, int partitions) {
        create(new NewTopic(KafkaTopics.requireName(name), requirePartitions(name, partitions), (short) 1));
    }

    /** Creates a topic with {@code cleanup.policy=compact} and one replica per partition. */
    public void createCompactedTopic(String name, int partitions) {
        create(new NewTopic(KafkaTopics.requireName(name), requirePartitions(name, partitions), (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    }

    private void create(NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(topic.name());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + topic.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("Could not create topic " + topic.name() + " with "
                    + topic.numPartitions() + " partition(s) on " + bootstrapServers() + ": " + cause, cause);
        }
    }

    private void awaitLeaders(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        KafkaTopics.awaitLeaders(admin, topic, ADMIN_TIMEOUT);
    }

    /**
     * Stops the broker (a controlled shutdown) and starts it again on the same log directory and ports, as an
     * operator's broker restart; returns once it accepts requests again. For fault-injection tests: clients see
     * the broker go away for as long as the restart takes.
     */
    public synchronized void restart() {
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka on {} stopped for a restart", bootstrapServers());
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        try {
            awaitBrokerVisible();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka on " + bootstrapServers() + " did not come back after a restart", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while restarting Kafka", e);
        }
        LOG.info("Kafka restarted on {}", bootstrapServers());
    }

    /** Stops the broker, waits for its threads to end and deletes its log directory. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopQuietly(server, admin);
        TempDirs.deleteQuietly(workDir);
        LOG.info("Kafka on {} stopped", bootstrapServers());
    }

    private static void stopQuietly(KafkaRaftServer server, Admin admin) {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        KafkaTopics.stopQuietly(server);
    }


    private static int requirePartitions(String topic, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + topic + ": partitions must be at least 1, was " + partitions);
        }
        return partitions;
    }

    @Override
    public String toString() {
        return "DevKafka[" + bootstrapServers() + "]";
    }
}
