package io.shardshift.rebalance;

import io.shardshift.core.event.TableId;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LiveLauncherTest {

    @Test
    void shouldMaskTheSourceUrlsPasswordWhenTheSourceIsUnreachable() {
        MigrationSpec base = SpecLoader.parse("""
                name: orders
                source: {jdbcUrl: "jdbc:postgresql://127.0.0.1:1/app?password=hunter2", user: app, password: hunter2}
                tables: [{name: public.orders}]
                kafka: {bootstrapServers: "127.0.0.1:1", partitions: 4}
                targets:
                  - {name: pg_a, jdbcUrl: "jdbc:postgresql://127.0.0.1:2/app", user: app}
                layout: {generation: 1, shardKey: tenant_id, buckets: 4, targets: [pg_a]}
                """, Map.of());
        assertThatThrownBy(() -> new LiveLauncher().checkColumn(base, TableId.parse("public.orders"), "tenant_id", "routing"))
                .isInstanceOf(RebalanceException.class)
                .hasMessageContaining("password=******").hasMessageNotContaining("hunter2");
    }
}
