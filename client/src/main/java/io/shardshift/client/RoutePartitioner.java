package io.shardshift.client;

import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.utils.Utils;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Kafka producer {@link Partitioner} that follows a keyed topic's route on the config topic: a key goes to
 * {@code toPositive(murmur2(key)) % livePartitions} (the live route's count, not the topic's, so partitions
 * added ahead of a flip get nothing until it), and {@code send} waits while the route is frozen or the
 * follower's view is stale, up to a bound, then throws {@link RouteHeldException}.
 *
 * <pre>{@code
 * props.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, RoutePartitioner.class.getName());
 * ConfigFollower follower = ConfigFollower.start(bootstrap, configTopic, RoutePartitioner.followerConfig());
 * props.put(RoutePartitioner.FOLLOWER, follower);
 * props.put(ProducerConfig.ACKS_CONFIG, "all");
 * }</pre>
 *
 * A topic without a route record is partitioned as Kafka's default partitioner partitions keyed records. Records
 * without a key go to a random partition of the live route. For the fence to hold, a record partitioned before
 * a freeze must reach the broker within the migrator's settle time (100 ms, the wait between its freeze and its fence):
 * keep {@code linger.ms} small (the default 5 ms is fine).
 */
public final class RoutePartitioner implements Partitioner {
    /** Producer config key of the {@link ConfigFollower} to follow (an object, required). */
    public static final String FOLLOWER = "shardshift.route.follower";
    /** Longest wait of one send while the route is frozen, in ms (default 10000). */
    public static final String MAX_WAIT_MS = "shardshift.route.freeze.max.wait.ms";
    /** How old the follower's view may be when a record is partitioned, in ms (default 50). */
    public static final String MAX_STALENESS_MS = "shardshift.route.max.staleness.ms";

    private ConfigFollower follower;
    private Duration maxWait = Duration.ofSeconds(10);
    private Duration maxStaleness = Duration.ofMillis(50);

    /**
     * The consumer settings of a {@link ConfigFollower} a producer (or the {@link HandOffGate}) follows the route
     * with: fetches return within 20 ms, so its view is never older than about that.
     */
    public static Map<String, Object> followerConfig() {
        return Map.of("fetch.max.wait.ms", 20);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object f = configs.get(FOLLOWER);
        if (!(f instanceof ConfigFollower cf)) {
            throw new KafkaException("producer config '" + FOLLOWER + "' must be a started ConfigFollower, was "
                    + (f == null ? "missing" : f.getClass().getName()));
        }
        this.follower = cf;
        this.maxWait = Duration.ofMillis(millis(configs, MAX_WAIT_MS, 10_000));
        this.maxStaleness = Duration.ofMillis(millis(configs, MAX_STALENESS_MS, 50));
    }

    private static long millis(Map<String, ?> configs, String key, long dflt) {
        Object v = configs.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.toString().trim());
            if (n < 0) {
                throw new NumberFormatException("negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new KafkaException("producer config '" + key + "' must be milliseconds (>= 0), was '" + v + "'");
        }
    }

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        try {
            if (!follower.awaitStreamWritable(topic, maxStaleness, maxWait)) {
                throw new RouteHeldException("writes to topic " + topic + " held for " + maxWait.toMillis() + " ms: "
                        + (follower.millisSinceLastPoll() > maxStaleness.toMillis()
                        ? "the config follower has not read the config topic for " + follower.millisSinceLastPoll() + " ms"
                        : "its route is frozen (a partition flip is under way)"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RouteHeldException("interrupted while writes to topic " + topic + " were held");
        }
        Optional<StreamRoute> route = follower.streamRoute(topic);
        int partitions = route.map(StreamRoute::livePartitions).orElseGet(() -> cluster.partitionCountForTopic(topic));
        if (keyBytes == null) {
            return ThreadLocalRandom.current().nextInt(partitions);
        }
        return Utils.toPositive(Utils.murmur2(keyBytes)) % partitions;
    }

    @Override
    public void close() {
    }

    /** A send refused because the topic's route stayed frozen (or unknown) longer than the producer may wait. */
    public static final class RouteHeldException extends KafkaException {
        public RouteHeldException(String message) {
            super(message);
        }
    }
}
