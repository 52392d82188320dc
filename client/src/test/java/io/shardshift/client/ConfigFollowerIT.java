package io.shardshift.client;

import io.shardshift.devstack.DevKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The follower on a real Kafka broker, fed with records written as any language would write them. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConfigFollowerIT {
    static DevKafka kafka;
    static KafkaProducer<String, String> producer;

    @BeforeAll
    static void start() {
        kafka = DevKafka.start();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void put(String topic, String key, String json) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, json)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldReadTheHistoryThenFollowAGenerationFlip() throws Exception {
        String topic = "t1.config";
        kafka.createCompactedTopic(topic, 1);
        put(topic, "routing.layout.1", "{\"generation\":1,\"shardKey\":\"tenant_id\",\"buckets\":1,"
                + "\"bucketTargets\":[\"source\"],\"hotTenants\":{}}");
        put(topic, "routing.layout.2", "{\"generation\":2,\"shardKey\":\"tenant_id\",\"buckets\":2,"
                + "\"bucketTargets\":[\"pg_a\",\"pg_b\"],\"hotTenants\":{\"acme\":\"pg_b\"}}");
        put(topic, "routing.generation", "{\"generation\":1}");
        try (ConfigFollower f = ConfigFollower.start(kafka.bootstrapServers(), topic, Map.of())) {
            assertThat(f.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            assertThat(f.currentGeneration()).isEqualTo(1);
            assertThat(f.targetFor("acme")).isEqualTo("source");

            put(topic, "routing.generation", "{\"generation\":2,\"previous\":1}");
            assertThat(f.awaitGeneration(2, Duration.ofSeconds(10))).isTrue();
            assertThat(f.targetFor("acme")).isEqualTo("pg_b");
            assertThat(f.currentLayout()).map(RoutingLayout::buckets).contains(2);
        }
    }

    @Test
    void shouldHoldWritesWhileFrozenAndReleaseThemOnUnfreeze() throws Exception {
        String topic = "t2.config";
        kafka.createCompactedTopic(topic, 1);
        put(topic, "writes.frozen", "{\"frozen\":true,\"reason\":\"cutover c-1\"}");
        try (ConfigFollower f = ConfigFollower.start(kafka.bootstrapServers(), topic, Map.of())) {
            assertThat(f.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            assertThat(f.writesFrozen()).isTrue();
            assertThat(f.awaitWritesAllowed(Duration.ofMillis(200))).as("frozen: times out").isFalse();

            CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    return f.awaitWritesAllowed(Duration.ofSeconds(20));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            put(topic, "writes.frozen", "{\"frozen\":false}");
            assertThat(waiter.get(20, TimeUnit.SECONDS)).isTrue();
            assertThat(f.writesFrozen()).isFalse();
        }
    }

    @Test
    void shouldForgetAKeyOnATombstoneAndSkipAValueThatIsNotJson() throws Exception {
        String topic = "t3.config";
        kafka.createCompactedTopic(topic, 1);
        java.util.List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ConfigFollower f = ConfigFollower.start(kafka.bootstrapServers(), topic, Map.of(), errors::add)) {
            put(topic, ConfigKeys.DB_REHOME_ROLLBACK, "{\"tenant\":\"acme\",\"rolledBack\":false}");
            await().atMost(Duration.ofSeconds(10)).until(() -> f.value(ConfigKeys.DB_REHOME_ROLLBACK).isPresent());
            assertThat(f.value(ConfigKeys.DB_REHOME_ROLLBACK).get().path("tenant").asText()).isEqualTo("acme");

            put(topic, ConfigKeys.STREAM_PARTITION_ROUTE, "not json");
            producer.send(new ProducerRecord<>(topic, ConfigKeys.DB_REHOME_ROLLBACK, null)).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> f.value(ConfigKeys.DB_REHOME_ROLLBACK).isEmpty());
            assertThat(errors).anySatisfy(e -> assertThat(e).contains(ConfigKeys.STREAM_PARTITION_ROUTE));
            assertThat(f.currentGeneration()).isZero();
        }
    }
}
