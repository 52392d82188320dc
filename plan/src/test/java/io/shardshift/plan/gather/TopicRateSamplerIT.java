package io.shardshift.plan.gather;

import io.shardshift.devstack.DevKafka;
import io.shardshift.plan.capacity.TopicExpansion;
import io.shardshift.plan.capacity.TopicExpansionAdvisor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class TopicRateSamplerIT {
    private static DevKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void start() {
        kafka = DevKafka.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldMeasureEachPartitionsRateAndFlagTheHotOne() throws Exception {
        kafka.createTopic("keyed", 4);
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; !stop.get(); i++) {
                    // Partition 2 gets 10 records for every record of each other partition.
                    int partition = i % 13 < 10 ? 2 : i % 13 - 10 == 2 ? 3 : i % 13 - 10;
                    p.send(new ProducerRecord<>("keyed", partition, "k" + i, "v"));
                    if (i % 1_000 == 999) {
                        p.flush();
                    }
                }
            }
        }, "skewed-writer");
        writer.start();
        Map<Integer, Double> rates;
        try {
            rates = new TopicRateSampler(admin, Duration.ofSeconds(30)).sample("keyed", Duration.ofSeconds(3));
        } finally {
            stop.set(true);
            writer.join(TimeUnit.SECONDS.toMillis(30));
        }

        assertThat(rates).containsOnlyKeys(0, 1, 2, 3);
        assertThat(rates.values()).allMatch(r -> r > 0);
        TopicExpansion advice = TopicExpansionAdvisor.defaults().advise("keyed", rates, 0);
        assertThat(advice.hottestPartition()).isEqualTo(2);
        assertThat(advice.hot()).as(advice.notes().toString()).isTrue();
    }

    @Test
    void shouldNameAnUnknownTopic() {
        assertThatThrownBy(() -> new TopicRateSampler(admin, Duration.ofSeconds(30)).sample("nope", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topic: no topic 'nope' in the cluster");
    }
}
