package io.shardshift.client.shadow;

import io.shardshift.client.ConfigFollower;
import io.shardshift.devstack.DevKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shadow reads against a real broker: the pending generation comes from the config topic as the migrator writes
 * it, and the agreement records land on {@code <prefix>.shadow} as JSON any consumer can read.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ShadowReadsKafkaIT {
    static DevKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = DevKafka.start();
        kafka.createCompactedTopic("app.config", 1);
        kafka.createTopic("app.shadow", 3); // the migrator creates it when it attaches cutover
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>("app.config", "routing.layout.1", "{\"generation\":1,\"shardKey\":\"tenant_id\","
                    + "\"buckets\":1,\"bucketTargets\":[\"source\"],\"hotTenants\":{}}")).get(10, TimeUnit.SECONDS);
            p.send(new ProducerRecord<>("app.config", "routing.layout.2", "{\"generation\":2,\"shardKey\":\"tenant_id\","
                    + "\"buckets\":2,\"bucketTargets\":[\"pg_a\",\"pg_a\"],\"hotTenants\":{\"acme\":\"pg_b\"}}"))
                    .get(10, TimeUnit.SECONDS);
            p.send(new ProducerRecord<>("app.config", "routing.generation", "{\"generation\":1}")).get(10, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldPublishAgreementAndMismatchRecordsRoutedByThePendingGeneration() throws Exception {
        List<String> targets = new ArrayList<>();
        List<String> sendErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ConfigFollower follower = ConfigFollower.start(kafka.bootstrapServers(), "app.config", Map.of());
             ShadowReads shadow = ShadowReads.start(follower, new KafkaShadowSink(kafka.bootstrapServers(), "app.shadow",
                     Map.of(), sendErrors::add), ShadowReads.Options.sampling(1.0))) {
            assertThat(follower.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            assertThat(follower.pendingGeneration()).hasValue(2);
            shadow.rowsByKey("public.orders", "acme", "id=1", () -> List.of(Map.of("id", 1, "note", "a")), t -> {
                targets.add(t);
                return List.of(Map.of("id", 1L, "note", "a"));
            });
            shadow.rowsByKey("public.orders", "globex", "id=2", () -> List.of(Map.of("id", 2, "note", "b")), t -> {
                targets.add(t);
                return List.of(Map.of("id", 2L, "note", "changed"));
            });
            assertThat(shadow.awaitIdle(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(targets).as("acme once, globex again for its re-check").containsExactlyInAnyOrder("pg_b", "pg_a", "pg_a");
        assertThat(sendErrors).isEmpty();

        List<ShadowRecord> records = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor("app.shadow").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    assertThat(r.key()).isEqualTo("public.orders");
                    records.add(ShadowRecord.fromJson(r.value()));
                }
                return records.size() >= 2;
            });
        }
        assertThat(records).extracting(ShadowRecord::query, ShadowRecord::outcome, ShadowRecord::generation)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("id=1", "agree", 2L),
                        org.assertj.core.groups.Tuple.tuple("id=2", "mismatch", 2L));
        assertThat(records).filteredOn(r -> r.query().equals("id=2")).singleElement()
                .satisfies(r -> assertThat(r.newAnswer()).contains("changed"));
    }
}
