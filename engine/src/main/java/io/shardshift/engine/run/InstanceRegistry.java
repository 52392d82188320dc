package io.shardshift.engine.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.core.spec.MigrationSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The migrator processes of a migration, through the compacted topic {@code <prefix>.instances} (one
 * partition, keyed by instance id): this process publishes its {@link InstanceInfo heartbeat} every
 * {@link #HEARTBEAT_EVERY} with what it holds now, and a tombstone when it closes cleanly; it reads every
 * other process's heartbeats, so {@link #instances()} lists them all, one silent for longer than
 * {@link InstanceInfo#LOST_AFTER} as {@linkplain InstanceInfo#LOST lost}.
 *
 * <pre>{@code
 * InstanceRegistry registry = InstanceRegistry.start(spec, "host-a-4242", List.of("apply"));
 * registry.hold(InstanceInfo.APPLY_PARTITIONS, () -> apply.heldPartitions());
 * registry.instances(); // every process, this one included
 * }</pre>
 */
public final class InstanceRegistry implements AutoCloseable {
    /** How often an instance publishes its heartbeat. */
    public static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(InstanceRegistry.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** The key prefix of a command to every instance ({@code command/<name>/<argument>}) on the same topic. */
    private static final String COMMAND_PREFIX = "command/";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String topic;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, Supplier<? extends Collection<String>>> holdings = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> figures = new ConcurrentHashMap<>();
    private final InstanceTable table = new InstanceTable();
    private final List<Consumer<InstanceInfo>> onLost = new CopyOnWriteArrayList<>();
    private final Map<String, Consumer<String>> commands = new ConcurrentHashMap<>();
    /** The topic's end when this registry started: commands before it were for the processes running then. */
    private final long startOffset;
    /** Runs the {@link #onLost} and command listeners, so a slow one never delays this process's own heartbeat. */
    private final ExecutorService listeners = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "shardshift-instances-listener");
        t.setDaemon(true);
        return t;
    });
    private final Thread thread;
    private volatile InstanceInfo self;
    private volatile String http;
    private volatile boolean running = true;
    private volatile boolean failing;

    private InstanceRegistry(String bootstrapServers, String topic, InstanceInfo self) {
        this.topic = topic;
        this.self = self;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        TopicPartition tp = new TopicPartition(topic, 0);
        try {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            this.startOffset = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
        } catch (KafkaException e) {
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
            throw new IllegalStateException("cannot read the instances topic " + topic + ": " + e.getMessage(), e);
        }
        this.thread = new Thread(this::run, "shardshift-instances");
        this.thread.setDaemon(true);
    }

    /**
     * Creates the topic if needed and starts publishing this process's heartbeat and reading the others'.
     *
     * @param instanceId this process's instance id, unique among the migration's processes ({@link RunOptions#instanceId})
     * @param roles      the parts this process runs
     */
    public static InstanceRegistry start(MigrationSpec spec, String instanceId, Collection<String> roles) {
        String topic = topicOf(spec);
        MigrationRunner.createTopic(spec, topic, 1, true);
        long now = System.currentTimeMillis();
        InstanceInfo self = new InstanceInfo(instanceId, List.copyOf(roles), hostName(), ProcessHandle.current().pid(),
                null, now, now, Map.of());
        InstanceRegistry registry = new InstanceRegistry(spec.kafka().bootstrapServers(), topic, self);
        registry.thread.start();
        LOG.info("instance {} of migration {} (roles {}) publishes its heartbeat to {}", instanceId, spec.name(), roles, topic);
        return registry;
    }

    /** The instances topic of a migration. */
    public static String topicOf(MigrationSpec spec) {
        return spec.topicPrefix() + ".instances";
    }

    /** Publishes, with every heartbeat, what {@code items} gives for {@code kind} (e.g. {@code captureGroups}). */
    public void hold(String kind, Supplier<? extends Collection<String>> items) {
        holdings.put(kind, items);
    }

    /** Publishes, with every heartbeat, the count {@code value} gives under {@code name} (e.g. {@code eventsApplied}). */
    public void figure(String name, LongSupplier value) {
        figures.put(name, value);
    }

    /**
     * Calls {@code listener} once for each other instance that becomes {@linkplain InstanceInfo#LOST lost} (e.g. to
     * hand its work to the live ones without waiting for Kafka's session timeout), on a thread of the registry's
     * own that runs one listener at a time.
     */
    public void onLost(Consumer<InstanceInfo> listener) {
        onLost.add(listener);
    }

    /**
     * Calls {@code handler} with the argument of each command {@code name} another instance publishes from now on
     * ({@link #publishCommand}), on the listener thread; commands published before this registry started are not
     * passed on.
     */
    public void onCommand(String name, Consumer<String> handler) {
        commands.put(name, handler);
    }

    /**
     * Asks every other running instance to run command {@code name} with {@code argument} (e.g. {@code resume},
     * {@code public.orders}); returns once Kafka has it.
     *
     * @throws IllegalStateException when Kafka does not take it within 10 s
     */
    public void publishCommand(String name, String argument) {
        String json = JSON.createObjectNode().put("command", name).put("argument", argument).put("from", self.id())
                .put("atMillis", System.currentTimeMillis()).toString();
        try {
            producer.send(new ProducerRecord<>(topic, 0, COMMAND_PREFIX + name + "/" + argument, json)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing command " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish command " + name + " " + argument + " to " + topic + ": "
                    + e.getMessage(), e);
        }
    }

    /** Publishes this process's dashboard and API address from the next heartbeat on. */
    public void advertiseHttp(String address) {
        http = address;
    }

    /** This process as its last heartbeat told it. */
    public InstanceInfo self() {
        return self;
    }

    /** Every instance of the migration heard from lately, by id, this one included. */
    public List<InstanceInfo> instances() {
        return table.list(System.currentTimeMillis());
    }

    private void run() {
        long nextBeat = 0;
        while (running) {
            try {
                if (System.nanoTime() >= nextBeat) {
                    publish();
                    nextBeat = System.nanoTime() + HEARTBEAT_EVERY.toNanos();
                }
                for (ConsumerRecord<String, String> r : consumer.poll(POLL)) {
                    read(r);
                }
                table.newlyLost(System.currentTimeMillis()).forEach(this::lost);
            } catch (InterruptException e) {
                return;
            } catch (RuntimeException e) {
                if (!failing) {
                    LOG.warn("instance heartbeats on {} failed (trying again): {}", topic, e.toString());
                    failing = true;
                }
                sleepQuietly();
            }
        }
    }

    private void publish() {
        Map<String, List<String>> now = new TreeMap<>();
        holdings.forEach((kind, items) -> {
            try {
                now.put(kind, List.copyOf(items.get()));
            } catch (RuntimeException e) {
                LOG.debug("cannot read what this instance holds of {}: {}", kind, e.toString());
            }
        });
        Map<String, Long> counts = new TreeMap<>();
        figures.forEach((name, value) -> {
            try {
                counts.put(name, value.getAsLong());
            } catch (RuntimeException e) {
                LOG.debug("cannot read this instance's figure {}: {}", name, e.toString());
            }
        });
        self = self.withHttp(http).seen(System.currentTimeMillis(), now).withFigures(counts);
        String json = self.toJson();
        producer.send(new ProducerRecord<>(topic, 0, self.id(), json), (meta, error) -> {
            if (error == null && failing) {
                LOG.info("instance heartbeats on {} work again", topic);
                failing = false;
            } else if (error != null && !failing) {
                LOG.warn("cannot publish the heartbeat of instance {} to {} (trying again): {}", self.id(), topic,
                        error.toString());
                failing = true;
            }
        });
    }

    private void lost(InstanceInfo instance) {
        if (instance.id().equals(self.id())) {
            return;
        }
        LOG.warn("instance {} (roles {}, host {} pid {}) has not been heard from for over {}; its work goes to the others",
                instance.id(), instance.roles(), instance.host(), instance.pid(), InstanceInfo.LOST_AFTER);
        onLost.forEach(listener -> listeners.execute(() -> {
            try {
                listener.accept(instance);
            } catch (RuntimeException e) {
                LOG.warn("taking over from lost instance {} failed: {}", instance.id(), e.toString());
            }
        }));
    }

    private void read(ConsumerRecord<String, String> r) {
        if (r.key() != null && r.key().startsWith(COMMAND_PREFIX)) {
            command(r);
            return;
        }
        try {
            table.apply(r.key(), r.value(), System.currentTimeMillis());
        } catch (IllegalArgumentException e) {
            LOG.warn("skipping a record of {} at offset {} that is no instance heartbeat: {}", topic, r.offset(), e.getMessage());
        }
    }

    private void command(ConsumerRecord<String, String> r) {
        if (r.value() == null || r.offset() < startOffset) {
            return;
        }
        JsonNode c;
        try {
            c = JSON.readTree(r.value());
        } catch (JsonProcessingException e) {
            LOG.warn("skipping a command on {} at offset {} that is not JSON", topic, r.offset());
            return;
        }
        Consumer<String> handler = commands.get(c.path("command").asText());
        if (handler == null || self.id().equals(c.path("from").asText())) {
            return;
        }
        String argument = c.path("argument").asText();
        LOG.info("instance {} asks this one to {} {}", c.path("from").asText(), c.path("command").asText(), argument);
        listeners.execute(() -> {
            try {
                handler.accept(argument);
            } catch (RuntimeException e) {
                LOG.warn("command {} {} from instance {} failed: {}", c.path("command").asText(), argument,
                        c.path("from").asText(), e.getMessage());
            }
        });
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    /** Stops the heartbeat and publishes a tombstone, so the others drop this instance at once. */
    @Override
    public void close() {
        running = false;
        listeners.shutdownNow();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            producer.send(new ProducerRecord<>(topic, 0, self.id(), null)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException
                 | KafkaException e) {
            LOG.warn("cannot publish the tombstone of instance {} to {}; the others show it lost after {}: {}",
                    self.id(), topic, InstanceInfo.LOST_AFTER, e.toString());
        }
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
