package io.shardshift.engine.run;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.devstack.DevKafka;
import io.shardshift.engine.topology.ApplyMetrics;
import io.shardshift.engine.topology.TablePauses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What one process learns from the others' heartbeats on a real Kafka broker: that the apply is shared, which tables
 * another process holds paused (the cutover gate counts them), and that a resume here asks that process to resume.
 */
@Timeout(120)
class PeersIT {
    static final TableId ORDERS = TableId.parse("public.orders");
    static final TableSchema ORDERS_SCHEMA = new TableSchema(ORDERS, List.of(new ColumnDef("id", "bigint", true),
            new ColumnDef("tenant_id", "text", true)), List.of("id"), List.of(), true);
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

    @Test
    void shouldSeeAnotherProcesssPausedTableAndAskItToResume() {
        MigrationSpec spec = SpecLoader.parse("""
                name: peers
                source: {jdbcUrl: "jdbc:postgresql://localhost:5432/app", user: shardshift}
                tables: [{name: public.orders}]
                kafka: {bootstrapServers: "%s", partitions: 2}
                targets:
                  - {name: pg_a, jdbcUrl: "jdbc:postgresql://a:5432/app", user: app}
                layout: {shardKey: tenant_id, buckets: 16, targets: [pg_a]}
                """.formatted(kafka.bootstrapServers()), Map.of());
        List<String> askedOfB = new CopyOnWriteArrayList<>();
        RunOptions options = RunOptions.all().withRoles(Role.parse("apply")).withInstanceId("a");
        try (Peers a = Peers.start(spec, options, new TablePauses(List.of(ORDERS_SCHEMA)), List::of, new ApplyMetrics());
             InstanceRegistry b = InstanceRegistry.start(spec, "b", List.of("apply"))) {
            b.hold(InstanceInfo.PAUSED_TABLES, () -> List.of("public.orders paused at LSN 0/16B3748: column note is missing"));
            b.hold(InstanceInfo.APPLY_PARTITIONS, () -> List.of("shardshift.peers.apply/t-0"));
            b.advertiseHttp("http://b:8081");
            b.onCommand("resume", askedOfB::add);

            await().atMost(Duration.ofSeconds(15)).until(() -> !a.pausedElsewhere().isEmpty());
            assertThat(a.pausedElsewhere()).containsExactly("public.orders paused at LSN 0/16B3748: column note is missing"
                    + " (on instance b http://b:8081; resume it there)");
            assertThat(a.applyShared()).as("b holds apply partitions").isTrue();

            String answer = a.resume(ORDERS);

            assertThat(answer).contains("not paused here", "[b]", "asked to resume it");
            await().atMost(Duration.ofSeconds(10)).until(() -> askedOfB.equals(List.of("public.orders")));
            assertThatThrownBy(() -> a.resume(TableId.parse("public.items"))).as("paused nowhere")
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("is not paused");
        }
    }
}
