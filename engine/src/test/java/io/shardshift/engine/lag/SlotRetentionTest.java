package io.shardshift.engine.lag;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SlotRetentionTest {
    static final MigrationSpec SPEC = SpecLoader.parse("""
            name: orders
            source: {jdbcUrl: "jdbc:postgresql://127.0.0.1:1/app", user: app, password: pw}
            tables: [{name: public.orders}, {name: public.lines}]
            kafka: {bootstrapServers: "127.0.0.1:1", partitions: 4}
            targets:
              - {name: pg_a, jdbcUrl: "jdbc:postgresql://127.0.0.1:2/app", user: app}
            layout: {generation: 1, shardKey: tenant_id, buckets: 4, targets: [pg_a]}
            """, Map.of());

    @Test
    void shouldRefuseToResumeFromALostSlotWithTheCommandsThatStartAgain() {
        assertThat(SlotRetention.resumeRefusal(SPEC, "lost", "deploy/spec.yaml")).hasValueSatisfying(m -> assertThat(m)
                .contains("slot " + SPEC.slotName(), "wal_status=lost", "cannot resume",
                        "./shardshift finish --spec deploy/spec.yaml --force",
                        "./shardshift migrate --spec deploy/spec.yaml --rebackfill public.orders --rebackfill public.lines",
                        "./shardshift verify --spec deploy/spec.yaml --repair"));
    }

    @Test
    void shouldResumeFromASlotThatStillHasItsWal() {
        for (String status : List.of("reserved", "extended", "unreserved", "missing", "unknown")) {
            assertThat(SlotRetention.resumeRefusal(SPEC, status, "spec.yaml")).as(status).isEmpty();
        }
    }
}
