package io.shardshift.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
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
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real multi-broker Kafka cluster (KRaft) running in this JVM, for tests of replication, reassignment and
 * broker failures.
 *
 * <p>One dedicated controller (node id 1000) and {@code n} brokers with ids {@code 1..n}, each on its own
 * free loopback port and log directory, all under one temporary directory deleted on close. Internal topics
 * (offsets, transactions) have replication factor {@code min(3, n)} and min ISR {@code min(2, n)}, so
 * exactly-once clients keep working with one broker stopped. Automatic leader rebalancing is off: leaders
 * move only when asked. Topics are never auto-created.
 *
 * <pre>{@code
 * try (DevKafkaCluster kafka = DevKafkaCluster.start(3)) {
 *     kafka.createTopic("orders", 6, 3, Map.of("min.insync.replicas", "2"));
 *     props.put("bootstrap.servers", kafka.bootstrapServers());
 *     kafka.stopBroker(2);   // clients fail over to the other replicas
 *     kafka.startBroker(2);
 * }
 * }</pre>
 */
public final class DevKafkaCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DevKafkaCluster.class);
    private static final int START_ATTEMPTS = 3;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaRaftServer controller;
    private final Map<Integer, KafkaConfig> brokerConfigs;
    private final Map<Integer, KafkaRaftServer> running;
    private final Map<Integer, Integer> brokerPorts;
    private final Admin admin;
    private final Path workDir;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DevKafkaCluster(KafkaRaftServer controller, Map<Integer, KafkaConfig> brokerConfigs,
                            Map<Integer, KafkaRaftServer> running, Map<Integer, Integer> brokerPorts,
                            Admin admin, Path workDir) {
        this.controller = controller;
        this.brokerConfigs = brokerConfigs;
        this.running = running;
        this.brokerPorts = brokerPorts;
        this.admin = admin;
        this.workDir = workDir;
    }

    /** Starts a controller and {@code brokers} brokers; returns once every broker is registered and unfenced. */
    public static DevKafkaCluster start(int brokers) {
        if (brokers < 1) {
            throw new IllegalArgumentException("brokers must be at least 1, was " + brokers);
        }
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(brokers);
            } catch (RuntimeException e) {
                LOG.warn("Kafka cluster did not start (attempt {} of {}): {}", attempt, START_ATTEMPTS, e.toString());
                last = e;
            }
        }
        throw new IllegalStateException("Could not start a " + brokers + "-broker Kafka cluster after "
                + START_ATTEMPTS + " attempts", last);
    }

    private static DevKafkaCluster startOnce(int brokers) {
        long started = System.nanoTime();
        int[] ports = FreePorts.find(brokers + 1);
        int controllerPort = ports[0];
        Path workDir = TempDirs.create("shardshift-kafka-cluster-");
        String clusterId = Uuid.randomUuid().toString();
        KafkaRaftServer controller = null;
        Map<Integer, KafkaRaftServer> running = Collections.synchronizedMap(new LinkedHashMap<>());
        Admin admin = null;
        try {
            Path controllerDir = workDir.resolve("controller");
            KafkaConfig controllerConfig = KafkaConfig.fromProps(KafkaClusterProps.controller(controllerPort, controllerDir));
            format(clusterId, KafkaClusterProps.CONTROLLER_ID, controllerDir);
            controller = new KafkaRaftServer(controllerConfig, Time.SYSTEM);
            controller.startup();
            LOG.debug("controller up after {} ms", (System.nanoTime() - started) / 1_000_000);

            Map<Integer, KafkaConfig> configs = new LinkedHashMap<>();
            Map<Integer, Integer> brokerPorts = new LinkedHashMap<>();
            for (int id = 1; id <= brokers; id++) {
                Path dir = workDir.resolve("broker-" + id);
                Properties props = KafkaClusterProps.broker(id, brokers, ports[id], controllerPort, dir, null);
                configs.put(id, KafkaConfig.fromProps(props));
                brokerPorts.put(id, ports[id]);
                format(clusterId, id, dir);
            }
            List<CompletableFuture<Void>> starts = new ArrayList<>();
            for (Map.Entry<Integer, KafkaConfig> e : configs.entrySet()) {
                starts.add(CompletableFuture.runAsync(() -> {
                    KafkaRaftServer server = new KafkaRaftServer(e.getValue(), Time.SYSTEM);
                    running.put(e.getKey(), server);
                    server.startup();
                }));
            }
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new))
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.debug("brokers up after {} ms", (System.nanoTime() - started) / 1_000_000);
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(brokerPorts.values())));
            DevKafkaCluster cluster = new DevKafkaCluster(controller, configs, running, brokerPorts, admin, workDir);
            cluster.awaitBrokers(brokers);
            LOG.info("Kafka cluster of {} broker(s) started on {} in {} ms (controller port {}, dir {})", brokers,
                    cluster.bootstrapServers(), (System.nanoTime() - started) / 1_000_000, controllerPort, workDir);
            return cluster;
        } catch (Exception e) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            new ArrayList<>(running.values()).forEach(KafkaTopics::stopQuietly);
            KafkaTopics.stopQuietly(controller);
            TempDirs.deleteQuietly(workDir);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    private static void format(String clusterId, int nodeId, Path dir) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setClusterId(clusterId)
                .setNodeId(nodeId)
                .setDirectories(List.of(dir.toString()))
                .setMetadataLogDirectory(dir.toString())
                .setControllerListenerName(KafkaClusterProps.CONTROLLER_LISTENER)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
    }

    private void awaitBrokers(int expected) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (admin.describeCluster().nodes().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size() < expected) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("fewer than " + expected + " brokers visible on " + bootstrapServers()
                        + " after " + ADMIN_TIMEOUT);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Every broker's {@code 127.0.0.1:PORT}, comma-separated: the value for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrap(brokerPorts.values());
    }

    private static String bootstrap(Iterable<Integer> ports) {
        StringBuilder sb = new StringBuilder();
        for (int port : ports) {
            sb.append(sb.length() == 0 ? "" : ",").append("127.0.0.1:").append(port);
        }
        return sb.toString();
    }

    /** The broker ids, {@code 1..n}. */
    public List<Integer> brokerIds() {
        return List.copyOf(brokerConfigs.keySet());
    }

    /** An admin client of this cluster, owned by it (closed on {@link #close()}; callers must not close it). */
    public Admin admin() {
        return admin;
    }

    /** Creates a topic with the given replication factor and topic configs; waits until every partition has a leader. */
    public void createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {
        KafkaTopics.requireName(name);
        create(new NewTopic(name, partitions, (short) replicationFactor).configs(configs));
    }

    /**
     * Creates a topic with an explicit replica assignment (partition to broker ids, the first one the preferred
     * leader), e.g. to start from a skewed layout; waits until every partition has a leader.
     */
    public void createTopic(String name, Map<Integer, List<Integer>> assignment, Map<String, String> configs) {
        KafkaTopics.requireName(name);
        create(new NewTopic(name, assignment).configs(configs));
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
            throw new IllegalStateException("Could not create topic " + topic.name() + " on " + bootstrapServers()
                    + ": " + cause, cause);
        }
    }

    private void awaitLeaders(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        KafkaTopics.awaitLeaders(admin, topic, ADMIN_TIMEOUT);
    }

    /** Stops one broker (a controlled shutdown); its log directory is kept for {@link #startBroker}. */
    public synchronized void stopBroker(int brokerId) {
        requireBroker(brokerId);
        KafkaRaftServer server = running.remove(brokerId);
        if (server == null) {
            throw new IllegalStateException("broker " + brokerId + " is not running");
        }
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka broker {} stopped", brokerId);
    }

    /** Starts a stopped broker again on its log directory and port; returns once the cluster lists it. */
    public synchronized void startBroker(int brokerId) {
        requireBroker(brokerId);
        if (running.containsKey(brokerId)) {
            throw new IllegalStateException("broker " + brokerId + " is already running");
        }
        KafkaRaftServer server = new KafkaRaftServer(brokerConfigs.get(brokerId), Time.SYSTEM);
        running.put(brokerId, server);
        server.startup();
        try {
            awaitBrokers(running.size());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker " + brokerId + " did not come back", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting broker " + brokerId, e);
        }
        LOG.info("Kafka broker {} started again", brokerId);
    }

    private void requireBroker(int brokerId) {
        if (!brokerConfigs.containsKey(brokerId)) {
            throw new IllegalArgumentException("no broker " + brokerId + " in this cluster; brokers are " + brokerIds());
        }
    }

    /** Stops every broker, then the controller, and deletes all log directories. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        admin.close(Duration.ofSeconds(5));
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (KafkaRaftServer server : new ArrayList<>(running.values())) {
            stops.add(CompletableFuture.runAsync(() -> KafkaTopics.stopQuietly(server)));
        }
        stops.forEach(CompletableFuture::join);
        running.clear();
        KafkaTopics.stopQuietly(controller);
        TempDirs.deleteQuietly(workDir);
        LOG.info("Kafka cluster on {} stopped", bootstrapServers());
    }


    @Override
    public String toString() {
        return "DevKafkaCluster[" + bootstrapServers() + "]";
    }
}
