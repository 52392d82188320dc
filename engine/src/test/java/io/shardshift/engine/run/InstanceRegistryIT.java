package io.shardshift.engine.run;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The instance registry on a real Kafka broker: heartbeats, tombstones, lost instances and commands. */
@Timeout(120)
class InstanceRegistryIT {
    static DevKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = DevKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static MigrationSpec spec(String name) {
        return SpecLoader.parse("""
                name: %s
                source: {jdbcUrl: "jdbc:postgresql://localhost:5432/app", user: shardshift}
                tables: [{name: public.orders}]
                kafka: {bootstrapServers: "%s", partitions: 2}
                targets:
                  - {name: pg_a, jdbcUrl: "jdbc:postgresql://a:5432/app", user: app}
                layout: {shardKey: tenant_id, buckets: 16, targets: [pg_a]}
                """.formatted(name, kafka.bootstrapServers()), Map.of());
    }

    private static List<String> live(InstanceRegistry r) {
        long now = System.currentTimeMillis();
        return r.instances().stream().filter(i -> InstanceInfo.LIVE.equals(i.state(now))).map(InstanceInfo::id).toList();
    }

    @Test
    void shouldListEveryInstanceWithWhatItHoldsAndForgetOneThatClosesCleanly() {
        MigrationSpec spec = spec("reg_list");
        try (InstanceRegistry a = InstanceRegistry.start(spec, "a", List.of("capture", "apply"))) {
            InstanceRegistry b = InstanceRegistry.start(spec, "b", List.of("apply"));
            b.hold(InstanceInfo.APPLY_PARTITIONS, () -> List.of("x.apply/t-0", "x.apply/t-1"));
            b.advertiseHttp("http://b:8081");
            b.figure(InstanceInfo.EVENTS_APPLIED, () -> 42);

            await().atMost(Duration.ofSeconds(15)).until(() -> live(a).equals(List.of("a", "b"))
                    && a.instances().get(1).holding(InstanceInfo.APPLY_PARTITIONS) == 2);
            InstanceInfo seen = a.instances().get(1);
            assertThat(seen.roles()).containsExactly("apply");
            assertThat(seen.http()).isEqualTo("http://b:8081");
            assertThat(seen.figures()).containsEntry(InstanceInfo.EVENTS_APPLIED, 42L);
            assertThat(seen.pid()).isEqualTo(ProcessHandle.current().pid());

            b.close();

            await("b's tombstone removes it").atMost(Duration.ofSeconds(5)).until(() -> live(a).equals(List.of("a")));
            assertThat(a.instances()).extracting(InstanceInfo::id).containsExactly("a");
        }
    }

    @Test
    void shouldShowASilentInstanceLostAndTellTheListenersOnce() {
        MigrationSpec spec = spec("reg_lost");
        List<String> lost = new CopyOnWriteArrayList<>();
        try (InstanceRegistry a = InstanceRegistry.start(spec, "a", List.of("apply"))) {
            a.onLost(i -> lost.add(i.id()));
            InstanceInfo dead = new InstanceInfo("dead", List.of("apply"), "h", 1, null, 0, System.currentTimeMillis(),
                    Map.of(InstanceInfo.APPLY_PARTITIONS, List.of("x.apply/t-0")));
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                p.send(new ProducerRecord<>(InstanceRegistry.topicOf(spec), 0, "dead", dead.toJson()));
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> live(a).contains("dead"));
            await("lost after 10 s of silence").atMost(Duration.ofSeconds(20)).until(() -> lost.equals(List.of("dead")));
            long now = System.currentTimeMillis();
            assertThat(a.instances()).filteredOn(i -> i.id().equals("dead")).singleElement()
                    .satisfies(i -> assertThat(i.state(now)).isEqualTo(InstanceInfo.LOST));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> lost.size() == 1);
        }
    }

    @Test
    void shouldPassACommandToTheOtherInstancesRunningButNotToOnesStartedLater() {
        MigrationSpec spec = spec("reg_command");
        List<String> atA = new CopyOnWriteArrayList<>();
        List<String> atB = new CopyOnWriteArrayList<>();
        try (InstanceRegistry a = InstanceRegistry.start(spec, "a", List.of("apply"));
             InstanceRegistry b = InstanceRegistry.start(spec, "b", List.of("apply"))) {
            a.onCommand("resume", atA::add);
            b.onCommand("resume", atB::add);

            a.publishCommand("resume", "public.orders");

            await().atMost(Duration.ofSeconds(10)).until(() -> atB.equals(List.of("public.orders")));
            assertThat(atA).as("not to the instance that asked").isEmpty();

            List<String> atC = new CopyOnWriteArrayList<>();
            try (InstanceRegistry c = InstanceRegistry.start(spec, "c", List.of("apply"))) {
                c.onCommand("resume", atC::add);
                await().atMost(Duration.ofSeconds(10)).until(() -> live(c).containsAll(List.of("a", "b", "c")));
                assertThat(atC).as("a command published before it started").isEmpty();
            }
        }
    }
}
