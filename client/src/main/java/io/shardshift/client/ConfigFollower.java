package io.shardshift.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Follows a migration's config topic from an application. A background thread reads the topic from the
 * beginning and keeps the latest value of every key; the application asks, before each write, whether
 * writes are allowed and where a key lives now.
 *
 * <pre>{@code
 * try (ConfigFollower config = ConfigFollower.start("kafka:9092", ConfigKeys.topic("shardshift.orders"), Map.of())) {
 *     config.awaitCaughtUp(Duration.ofSeconds(10));
 *     if (!config.awaitWritesAllowed(Duration.ofSeconds(5))) throw new IllegalStateException("writes frozen");
 *     String target = config.targetFor(tenantId);      // "source" before cutover, e.g. "pg_b" after
 * }
 * }</pre>
 *
 * <p>Values are JSON (see {@code docs/config-topic.md}); a value this version cannot read is skipped and
 * reported to the error listener, never fatal.
 */
public final class ConfigFollower implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One poll round: short, so {@link #millisSinceLastPoll()} stays small and a sync request is taken up soon. */
    private static final Duration POLL = Duration.ofMillis(25);

    private final String topic;
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, JsonNode> values = new HashMap<>();
    private final Object lock = new Object();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final Consumer<String> errors;
    private Map<TopicPartition, Long> startEnds;
    private boolean caughtUp;
    private long version;
    private volatile long lastPollNanos = System.nanoTime();
    private long syncRequested;
    private long syncDone;
    private long syncing;
    private Map<TopicPartition, Long> syncEnds;
    private final Map<String, Map.Entry<JsonNode, StreamRoute>> parsedRoutes = new HashMap<>();

    private ConfigFollower(String bootstrapServers, String topic, Map<String, Object> extraConsumerConfig,
                           Consumer<String> errors) {
        this.topic = topic;
        this.errors = errors;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        p.putAll(extraConsumerConfig);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        this.thread = new Thread(this::run, "shardshift-config-" + topic);
        this.thread.setDaemon(true);
    }

    /**
     * Starts following {@code topic}. Returns at once; use {@link #awaitCaughtUp(Duration)} to wait until
     * everything already on the topic has been read.
     *
     * @param extraConsumerConfig more consumer settings (security, client.id); no group is used
     */
    public static ConfigFollower start(String bootstrapServers, String topic, Map<String, Object> extraConsumerConfig) {
        return start(bootstrapServers, topic, extraConsumerConfig, e -> { });
    }

    /** As {@link #start(String, String, Map)}, with a listener for values that cannot be read. */
    public static ConfigFollower start(String bootstrapServers, String topic, Map<String, Object> extraConsumerConfig,
                                       Consumer<String> errors) {
        ConfigFollower f = new ConfigFollower(bootstrapServers, topic, extraConsumerConfig, errors);
        f.thread.start();
        return f;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            synchronized (lock) {
                startEnds = ends;
            }
            while (running.get()) {
                long wanted;
                synchronized (lock) {
                    wanted = syncRequested;
                }
                ConsumerRecords<String, String> records;
                try {
                    if (wanted > syncing) {
                        Map<TopicPartition, Long> now = consumer.endOffsets(partitions);
                        synchronized (lock) {
                            syncEnds = now;
                            syncing = wanted;
                            if (now.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                                syncDone = wanted;
                                lock.notifyAll();
                            }
                        }
                    }
                    records = consumer.poll(POLL);
                } catch (WakeupException e) {
                    if (!running.get()) {
                        throw e;
                    }
                    continue;
                }
                lastPollNanos = System.nanoTime();
                synchronized (lock) {
                    for (ConsumerRecord<String, String> r : records) {
                        apply(r);
                    }
                    if (!caughtUp && startEnds.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                        caughtUp = true;
                    }
                    if (syncing > syncDone && syncEnds.entrySet().stream()
                            .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                        syncDone = syncing;
                    }
                    version++;
                    lock.notifyAll();
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                errors.accept("config follower of " + topic + " woken up unexpectedly");
            }
        } catch (RuntimeException e) {
            errors.accept("config follower of " + topic + " stopped: " + e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private List<TopicPartition> partitions() {
        while (running.get()) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            }
        }
        throw new WakeupException();
    }

    private void apply(ConsumerRecord<String, String> r) {
        if (r.key() == null) {
            errors.accept("record without key at " + r.topic() + "-" + r.partition() + "@" + r.offset());
            return;
        }
        if (r.value() == null) {
            values.remove(r.key());
            return;
        }
        try {
            values.put(r.key(), JSON.readTree(r.value()));
        } catch (IOException e) {
            errors.accept("value of key '" + r.key() + "' at " + r.topic() + "-" + r.partition() + "@" + r.offset()
                    + " is not JSON: " + e.getMessage());
        }
    }

    /** Waits until every record that was on the topic when the follower started has been read. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return awaitState(timeout, () -> caughtUp);
    }

    /**
     * Waits until the follower has read every record that was on the topic when this call began (one round trip to
     * the broker for its end offsets, then the records up to them).
     *
     * @return false on timeout
     */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        long ticket;
        synchronized (lock) {
            ticket = ++syncRequested;
        }
        return awaitState(timeout, () -> syncDone >= ticket);
    }

    /**
     * Waits until writes to a keyed topic may go on: its route is not frozen and the follower's view is at most
     * {@code maxStaleness} old (so a freeze published earlier than that would have been seen).
     *
     * @return false if that did not happen within {@code timeout}
     */
    public boolean awaitStreamWritable(String keyedTopic, Duration maxStaleness, Duration timeout)
            throws InterruptedException {
        long staleMillis = maxStaleness.toMillis();
        return awaitState(timeout, () -> millisSinceLastPoll() <= staleMillis
                && !streamRoute(keyedTopic).map(StreamRoute::frozen).orElse(false));
    }

    /** Milliseconds since the follower's last poll of the topic returned (a fresh view is a few tens of ms old). */
    public long millisSinceLastPoll() {
        return (System.nanoTime() - lastPollNanos) / 1_000_000;
    }

    /**
     * The route of a keyed topic ({@code stream.partition.route.<topic>}, or the first format's
     * {@code stream.partition.route} when it names this topic), if published.
     *
     * @throws IllegalStateException if the record is there but cannot be read (never routed by a guess)
     */
    public Optional<StreamRoute> streamRoute(String keyedTopic) {
        JsonNode n;
        synchronized (lock) {
            n = values.get(ConfigKeys.streamRouteKey(keyedTopic));
            if (n == null) {
                JsonNode legacy = values.get(ConfigKeys.STREAM_PARTITION_ROUTE);
                n = legacy != null && keyedTopic.equals(legacy.path("topic").asText(null)) ? legacy : null;
            }
        }
        if (n == null) {
            return Optional.empty();
        }
        synchronized (lock) {
            var cached = parsedRoutes.get(keyedTopic);
            if (cached != null && cached.getKey() == n) {
                return Optional.of(cached.getValue());
            }
        }
        try {
            StreamRoute route = StreamRoute.parse(n);
            synchronized (lock) {
                parsedRoutes.put(keyedTopic, Map.entry(n, route));
            }
            return Optional.of(route);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("route of topic " + keyedTopic + " on " + topic + " cannot be read: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Waits until writes are not frozen. Returns at once when they are allowed.
     *
     * @return false if writes were still frozen after {@code timeout}
     */
    public boolean awaitWritesAllowed(Duration timeout) throws InterruptedException {
        return awaitState(timeout, () -> !frozenLocked());
    }

    /** Waits until the live generation is {@code generation}; false on timeout. */
    public boolean awaitGeneration(long generation, Duration timeout) throws InterruptedException {
        return awaitState(timeout, () -> generationLocked() == generation);
    }

    private boolean awaitState(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000), 0);
            }
            return true;
        }
    }

    /** Whether writes are frozen now (a cutover is between freeze and unfreeze). */
    public boolean writesFrozen() {
        synchronized (lock) {
            return frozenLocked();
        }
    }

    private boolean frozenLocked() {
        JsonNode n = values.get(ConfigKeys.WRITES_FROZEN);
        return n != null && n.path("frozen").asBoolean(false);
    }

    /** The live routing generation, or 0 if none was published yet. */
    public long currentGeneration() {
        synchronized (lock) {
            return generationLocked();
        }
    }

    private long generationLocked() {
        JsonNode n = values.get(ConfigKeys.ROUTING_GENERATION);
        return n == null ? 0 : n.path("generation").asLong(0);
    }

    /** The layout of a generation, if published. */
    public Optional<RoutingLayout> layout(long generation) {
        JsonNode n;
        synchronized (lock) {
            n = values.get(ConfigKeys.layoutKey(generation));
        }
        if (n == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.treeToValue(n, RoutingLayout.class));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("value of " + ConfigKeys.layoutKey(generation) + " is not a layout: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The generation a cutover would make live: the highest generation with a published layout above the live
     * one, or empty when none is (nothing pending, or the cutover is done).
     */
    public java.util.OptionalLong pendingGeneration() {
        synchronized (lock) {
            long live = generationLocked();
            return values.keySet().stream().filter(k -> k.startsWith(ConfigKeys.ROUTING_LAYOUT_PREFIX))
                    .map(k -> k.substring(ConfigKeys.ROUTING_LAYOUT_PREFIX.length()))
                    .filter(g -> !g.isEmpty() && g.chars().allMatch(Character::isDigit))
                    .mapToLong(Long::parseLong).filter(g -> g > live).max();
        }
    }

    /** The live layout: the layout of {@link #currentGeneration()}. */
    public Optional<RoutingLayout> currentLayout() {
        return layout(currentGeneration());
    }

    /**
     * The target that holds rows with this shard key value in the live layout.
     *
     * @throws IllegalStateException if no generation or its layout has been published
     */
    public String targetFor(String shardKeyValue) {
        long gen = currentGeneration();
        return layout(gen).orElseThrow(() -> new IllegalStateException("config topic " + topic
                + " has no layout for generation " + gen)).targetFor(shardKeyValue);
    }

    /** The latest value of any key (e.g. {@link ConfigKeys#DB_REHOME_ROLLBACK}), as JSON. */
    public Optional<JsonNode> value(String key) {
        synchronized (lock) {
            return Optional.ofNullable(values.get(key)).map(JsonNode::deepCopy);
        }
    }

    /** How many poll rounds the follower has made; grows even when nothing changes (a liveness sign). */
    public long rounds() {
        synchronized (lock) {
            return version;
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
