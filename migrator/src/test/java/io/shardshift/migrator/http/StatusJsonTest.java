package io.shardshift.migrator.http;

import io.shardshift.engine.metrics.MigrationStatus;
import io.shardshift.engine.metrics.Samples;
import io.shardshift.engine.topology.TargetOutages;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatusJsonTest {

    @Test
    void shouldListTheTargetsApplyWaitsForWithSinceAndLastError() {
        TargetOutages.Waiting w = new TargetOutages.Waiting("pg_b", 1_765_000_000_000L, "08001 Connection refused");
        MigrationStatus status = new MigrationStatus("demo", MigrationStatus.STREAMING, null, Samples.at(1000, 0), null,
                List.of(), List.of(w));

        Map<String, Object> json = StatusJson.of(status);

        assertThat(json.get("waitingTargets")).isEqualTo(List.of(Map.of("target", "pg_b", "state", "waiting",
                "since", "2025-12-06T05:46:40Z", "sinceMillis", 1_765_000_000_000L,
                "lastError", "08001 Connection refused",
                "text", "waiting for target pg_b since 2025-12-06T05:46:40Z (08001 Connection refused)")));
        assertThat(StatusJson.of(new MigrationStatus("demo", MigrationStatus.STREAMING, null, Samples.at(1000, 0), null))
                .get("waitingTargets")).isEqualTo(List.of());
    }
}
