package io.shardshift.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class DevKafkaIT {
    private static DevKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = DevKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldDeliverOnlyCommittedTransactionsToReadCommittedConsumer() {
        kafka.createTopic("eos.events", 3);

        try (KafkaProducer<String, String> producer = transactionalProducer("eos-test")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("eos.events", "k1", "committed-1"));
            producer.send(new ProducerRecord<>("eos.events", "k2", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("eos.events", "k3", "aborted"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("eos.events", "k4", "committed-3"));
            producer.commitTransaction();
        }

        try (KafkaConsumer<String, String> consumer = readCommittedConsumer("eos-reader")) {
            consumer.subscribe(List.of("eos.events"));
            List<String> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                assertThat(values).containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3");
            });
            consumer.commitSync();
        }
    }

    @Test
    void shouldCreateCompactedTopicWithRequestedPartitions() throws Exception {
        kafka.createCompactedTopic("compacted.state", 2);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            assertThat(admin.describeTopics(List.of("compacted.state")).allTopicNames().get()
                    .get("compacted.state").partitions()).hasSize(2);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "compacted.state");
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void shouldNotAutoCreateTopics() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1500),
                new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("never.created", "k", "v")).get())
                    .hasMessageContaining("never.created");
        }
    }

    @Test
    void shouldRejectDuplicateTopicWithTopicNameInError() {
        kafka.createTopic("twice", 1);

        assertThatThrownBy(() -> kafka.createTopic("twice", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("twice");
    }

    @Test
    void shouldReleasePortsAndBrokerThreadsOnClose() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        DevKafka other = DevKafka.start();
        other.createTopic("other.topic", 1);
        int port = Integer.parseInt(other.bootstrapServers().substring(other.bootstrapServers().indexOf(':') + 1));
        assertThat(port).isNotEqualTo(portOf(kafka));
        other.close();
        other.close();

        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(newThreads(before)).isEmpty());
    }

    @Test
    void shouldKeepTopicsAndRecordsAcrossARestartOnTheSamePort() throws Exception {
        kafka.createTopic("restart.topic", 1);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("restart.topic", "k", "before restart")).get();
        }
        int port = portOf(kafka);

        kafka.restart();

        assertThat(portOf(kafka)).isEqualTo(port);
        try (KafkaConsumer<String, String> consumer = readCommittedConsumer("restart-reader")) {
            consumer.subscribe(List.of("restart.topic"));
            List<String> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return !values.isEmpty();
            });
            assertThat(values).containsExactly("before restart");
        }
    }

    private static List<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(name -> !name.startsWith("ForkJoinPool") && !name.startsWith("awaitility"))
                .sorted()
                .collect(Collectors.toList());
    }

    private static int portOf(DevKafka k) {
        return Integer.parseInt(k.bootstrapServers().substring(k.bootstrapServers().indexOf(':') + 1));
    }

    private static KafkaProducer<String, String> transactionalProducer(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> readCommittedConsumer(String groupId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}
