package io.shardshift.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(180)
class DevKafkaClusterIT {
    private static DevKafkaCluster kafka;
    private static long startMillis;

    @BeforeAll
    static void startCluster() {
        long t0 = System.nanoTime();
        kafka = DevKafkaCluster.start(3);
        startMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("DevKafkaCluster.start(3) took " + startMillis + " ms");
    }

    @AfterAll
    static void stopCluster() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldListThreeBrokersOnDistinctPorts() throws Exception {
        List<Node> nodes = new ArrayList<>(kafka.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS));
        assertThat(nodes).extracting(Node::id).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(nodes.stream().map(Node::port).collect(Collectors.toSet())).hasSize(3);
        assertThat(kafka.bootstrapServers().split(",")).hasSize(3);
    }

    @Test
    void shouldReadBackEveryRecordAcknowledgedWithAcksAllOnReplicatedTopic() throws Exception {
        kafka.createTopic("replicated", 6, 3, Map.of("min.insync.replicas", "2"));
        TopicDescription d = kafka.admin().describeTopics(List.of("replicated")).allTopicNames()
                .get(30, TimeUnit.SECONDS).get("replicated");
        assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
        assertThat(d.partitions()).allSatisfy(p -> assertThat(p.isr()).hasSize(3));

        Set<String> acked = produce("replicated", "a", 300);
        assertThat(readAll("replicated", acked.size())).isEqualTo(acked);
    }

    @Test
    void shouldKeepAcceptingAcksAllWritesWithOneBrokerStopped() throws Exception {
        kafka.createTopic("survives", 3, 3, Map.of("min.insync.replicas", "2"));
        Set<String> acked = new HashSet<>(produce("survives", "before", 100));
        kafka.stopBroker(3);
        try {
            acked.addAll(produce("survives", "during", 100));
        } finally {
            kafka.startBroker(3);
        }
        acked.addAll(produce("survives", "after", 100));
        assertThat(readAll("survives", acked.size())).isEqualTo(acked);
    }

    private static Set<String> produce(String topic, String prefix, int count) throws Exception {
        Set<String> acked = new HashSet<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String v = prefix + "-" + i;
                producer.send(new ProducerRecord<>(topic, "k" + (i % 17), v)).get(60, TimeUnit.SECONDS);
                acked.add(v);
            }
        }
        return acked;
    }

    private static Set<String> readAll(String topic, int expected) {
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r.value());
                }
            }
        }
        return seen;
    }
}
