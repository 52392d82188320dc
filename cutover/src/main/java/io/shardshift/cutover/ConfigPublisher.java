package io.shardshift.cutover;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.client.ConfigKeys;
import io.shardshift.client.RoutingLayout;
import io.shardshift.core.layout.Layout;
import io.shardshift.core.spec.MigrationSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes the config topic that applications follow (format: {@code docs/config-topic.md}, keys:
 * {@link ConfigKeys}). Each publish returns once the broker has acknowledged it ({@code acks=all}), so a
 * cutover step never goes on before its flag is durable.
 */
public final class ConfigPublisher implements AutoCloseable {
    /** The target name of the layout before the first cutover: the source database itself. */
    public static final String SOURCE_TARGET = ConfigKeys.SOURCE_TARGET;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final KafkaProducer<String, String> producer;
    private final Duration timeout;

    private ConfigPublisher(String bootstrapServers, String topic, Duration timeout) {
        this.topic = topic;
        this.timeout = timeout;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 1000));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 1000));
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Creates the topic (compacted, one partition) if missing and opens a publisher on it. */
    public static ConfigPublisher create(String bootstrapServers, String topic, short replicationFactor, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            NewTopic t = new NewTopic(topic, 1, replicationFactor)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create config topic " + topic + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating config topic " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 30 s while creating " + topic, e);
        }
        return new ConfigPublisher(bootstrapServers, topic, timeout);
    }

    public String topic() {
        return topic;
    }

    /** Publishes a layout under {@code routing.layout.<generation>}. */
    public void publishLayout(Layout layout) {
        publishLayout(new RoutingLayout(layout.generation(), layout.shardKey(), layout.buckets(),
                layout.bucketTargets(), layout.hotTenants()));
    }

    /** Publishes a layout under {@code routing.layout.<generation>}. */
    public void publishLayout(RoutingLayout layout) {
        send(ConfigKeys.layoutKey(layout.generation()), JSON.valueToTree(layout));
    }

    /** The layout before the first cutover: every key on the source. */
    public static RoutingLayout sourceLayout(long generation, String shardKey) {
        return new RoutingLayout(generation, shardKey, 1, List.of(SOURCE_TARGET), Map.of());
    }

    /**
     * The layout applications follow once the migration's generation is live: the spec's layout, or, for a
     * tenant-scoped migration, the source layout with each moved tenant routed (as a hot tenant) to the
     * target the spec's layout names for it, so every other key stays on the source.
     */
    public static RoutingLayout newLayout(MigrationSpec spec) {
        Layout layout = spec.routing();
        if (!spec.tenantScoped()) {
            return new RoutingLayout(layout.generation(), layout.shardKey(), layout.buckets(), layout.bucketTargets(),
                    layout.hotTenants());
        }
        Map<String, String> moved = new LinkedHashMap<>();
        for (String tenant : spec.tenants()) {
            moved.put(tenant, layout.targetFor(tenant));
        }
        return new RoutingLayout(layout.generation(), layout.shardKey(), 1, List.of(SOURCE_TARGET), moved);
    }

    /** Makes {@code generation} the live layout. */
    public void publishGeneration(long generation, long previous, String reason) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("generation", generation);
        v.put("previous", previous);
        v.put("reason", reason);
        v.put("atMillis", System.currentTimeMillis());
        send(ConfigKeys.ROUTING_GENERATION, v);
    }

    /** Freezes or unfreezes writes. */
    public void publishFreeze(boolean frozen, String reason) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("frozen", frozen);
        v.put("reason", reason);
        v.put("atMillis", System.currentTimeMillis());
        send(ConfigKeys.WRITES_FROZEN, v);
    }

    /** Publishes any other flag (e.g. {@link ConfigKeys#SEARCH_REBALANCE_CUTOVER}). */
    public void publishFlag(String key, Map<String, Object> value) {
        send(key, value);
    }

    private void send(String key, Object value) {
        String json;
        try {
            json = JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("config value of " + key + " is not JSON: " + e.getMessage(), e);
        }
        try {
            producer.send(new ProducerRecord<>(topic, key, json)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + key + " to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish " + key + " to " + topic + " within " + timeout + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
