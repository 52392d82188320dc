package io.shardshift.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.devstack.DevKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The producer side of a route on a real broker: partitions by the live count, holds while frozen, then refuses. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RoutePartitionerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static DevKafka kafka;
    static KafkaProducer<String, String> config;

    @BeforeAll
    static void start() {
        kafka = DevKafka.start();
        config = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void stop() {
        if (config != null) {
            config.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void route(String configTopic, StreamRoute r) throws Exception {
        config.send(new ProducerRecord<>(configTopic, ConfigKeys.streamRouteKey(r.topic()),
                JSON.writeValueAsString(r.toJson()))).get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldRouteByTheLiveCountAndRefuseAfterTheBoundWhileFrozen() throws Exception {
        kafka.createCompactedTopic("rp.config", 1);
        kafka.createTopic("rp-events", 4);
        StreamRoute old = new StreamRoute("rp-events", StreamRoute.OLD, 2, 4, 1, false, List.of());
        route("rp.config", old);
        try (ConfigFollower follower = ConfigFollower.start(kafka.bootstrapServers(), "rp.config", RoutePartitioner.followerConfig())) {
            assertThat(follower.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            Map<String, Object> p = new HashMap<>();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, RoutePartitioner.class.getName());
            p.put(RoutePartitioner.FOLLOWER, follower);
            p.put(RoutePartitioner.MAX_WAIT_MS, "300");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                for (int k = 0; k < 50; k++) {
                    String key = "key-" + k;
                    RecordMetadata md = producer.send(new ProducerRecord<>("rp-events", key, "v")).get(10, TimeUnit.SECONDS);
                    assertThat(md.partition()).isEqualTo(StreamRoute.partitionFor(key.getBytes(StandardCharsets.UTF_8), 2));
                }
                route("rp.config", old.withFrozen(true));
                await().atMost(Duration.ofSeconds(10)).until(() -> follower.streamRoute("rp-events").orElseThrow().frozen());
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("rp-events", "key-1", "v")))
                        .isInstanceOf(RoutePartitioner.RouteHeldException.class)
                        .hasMessageContaining("rp-events").hasMessageContaining("frozen");
                route("rp.config", old.flip(StreamRoute.NEW, 2, 4, Map.of(0, 25L, 1, 25L)));
                await().atMost(Duration.ofSeconds(10)).until(() -> follower.streamRoute("rp-events").orElseThrow().livePartitions() == 4);
                for (int k = 0; k < 50; k++) {
                    String key = "key-" + k;
                    RecordMetadata md = producer.send(new ProducerRecord<>("rp-events", key, "v")).get(10, TimeUnit.SECONDS);
                    assertThat(md.partition()).isEqualTo(StreamRoute.partitionFor(key.getBytes(StandardCharsets.UTF_8), 4));
                }
            }
        }
    }

    @Test
    void shouldRefuseToStartWithoutAFollower() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, RoutePartitioner.class.getName());
        assertThatThrownBy(() -> new KafkaProducer<>(p, new StringSerializer(), new StringSerializer()).close())
                .hasStackTraceContaining(RoutePartitioner.FOLLOWER);
    }
}
