package io.shardshift.migrator.http;

import io.shardshift.cdc.SourceIdentity;
import io.shardshift.engine.metrics.MigrationStatus;
import io.shardshift.engine.run.SourceFailover;
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

    @Test
    void shouldSayWhatSourceFailoverWasFoundAndWhereTheConvergenceIs() {
        SourceFailover f = new SourceFailover(SourceFailover.PROMOTED_STANDBY, "timeline 1 -> 2, slot gone", "converge",
                new SourceIdentity(-2, 1, 150019), new SourceIdentity(-2, 2, 150019), 0x3000148L, 0x4000000L,
                SourceFailover.CONVERGING, "", 1_765_000_000_000L);
        MigrationStatus status = new MigrationStatus("demo", MigrationStatus.STREAMING, null, Samples.at(1000, 0), null,
                List.of(), List.of(), f);

        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) StatusJson.of(status).get("sourceFailover");

        assertThat(json).containsEntry("kind", "promoted-standby").containsEntry("state", "converging")
                .containsEntry("detected", "timeline 1 -> 2, slot gone")
                .containsEntry("highestPositionBefore", "0/3000148").containsEntry("resumedAfter", "0/4000000")
                .containsEntry("detectedAt", "2025-12-06T05:46:40Z");
        assertThat(json.get("previous")).isEqualTo(Map.of("systemIdentifier", "18446744073709551614", "timeline", 1L,
                "serverVersionNum", 150019));
        assertThat(StatusJson.of(new MigrationStatus("demo", MigrationStatus.STREAMING, null, Samples.at(1000, 0), null))
                .get("sourceFailover")).isNull();
    }
}
