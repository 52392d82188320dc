package io.shardshift.migrator.http;

import io.shardshift.cdc.SourceIdentity;
import io.shardshift.engine.metrics.MigrationStatus;
import io.shardshift.engine.run.InstanceInfo;
import io.shardshift.engine.run.SourceFailover;
import io.shardshift.engine.metrics.Samples;
import io.shardshift.engine.rate.RateDecision;
import io.shardshift.engine.rate.RateGuardStatus;
import io.shardshift.engine.rate.RateSignals;
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
                List.of(), List.of(), f, null);

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

    @Test
    @SuppressWarnings("unchecked")
    void shouldShowTheBackfillRateWithItsLimitingSignalAndDecisions() {
        RateDecision down = new RateDecision(1_765_000_000_000L, RateDecision.Action.DECREASE, 80_000, 40_000,
                RateDecision.LAG, "stream lag 2500 ms over apply.targetLag 2000 ms");
        RateGuardStatus guard = new RateGuardStatus(true, 40_000, -1, 2000, 39_500, RateDecision.LAG, down.detail(),
                RateSignals.ofLag(2500, 2000, 39_500), List.of(down), 1);
        MigrationStatus status = new MigrationStatus("demo", MigrationStatus.BACKFILL, null, Samples.at(1000, 0), null,
                List.of(), List.of(), null, guard);

        Map<String, Object> rate = (Map<String, Object>) StatusJson.of(status).get("backfillRate");

        assertThat(rate).containsEntry("active", true).containsEntry("rowsPerSecond", 40_000L)
                .containsEntry("maxRate", null).containsEntry("targetLagMillis", 2000L)
                .containsEntry("limitingSignal", "lag").containsEntry("decreases", 1L);
        assertThat((Map<String, Object>) rate.get("signals")).containsEntry("lagMillis", 2500L);
        assertThat((List<Map<String, Object>>) rate.get("decisions")).singleElement().satisfies(d -> assertThat(d)
                .containsEntry("action", "DECREASE").containsEntry("fromRate", 80_000L).containsEntry("toRate", 40_000L)
                .containsEntry("signal", "lag"));
        assertThat(StatusJson.of(new MigrationStatus("demo", MigrationStatus.STREAMING, null, Samples.at(1000, 0), null))
                .get("backfillRate")).isNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldListEveryInstanceWithItsRolesHoldingsAndALostOneMarked() {
        long now = System.currentTimeMillis();
        InstanceInfo live = new InstanceInfo("a-1", List.of("capture", "backfill", "apply"), "host-a", 11, "http://a:8080",
                now - 60_000, now - 1_000, Map.of(InstanceInfo.APPLY_PARTITIONS, List.of("m.apply/t-0", "m.apply/t-1")),
                Map.of(InstanceInfo.EVENTS_APPLIED, 500L));
        InstanceInfo lost = new InstanceInfo("b-2", List.of("apply"), "host-b", 22, null, now - 60_000, now - 30_000,
                Map.of(InstanceInfo.APPLY_PARTITIONS, List.of("m.apply/t-2")));
        MigrationStatus status = new MigrationStatus("demo", MigrationStatus.STREAMING, null, Samples.at(1000, 0), null,
                List.of(), List.of(), null, null, List.of(live, lost));

        List<Map<String, Object>> json = (List<Map<String, Object>>) StatusJson.of(status).get("instances");

        assertThat(json).extracting(i -> i.get("id")).containsExactly("a-1", "b-2");
        assertThat(json).extracting(i -> i.get("state")).containsExactly("live", "lost");
        assertThat(json.get(0)).containsEntry("roles", List.of("capture", "backfill", "apply"))
                .containsEntry("http", "http://a:8080").containsEntry("pid", 11L)
                .containsEntry("holds", Map.of("applyPartitions", List.of("m.apply/t-0", "m.apply/t-1")))
                .containsEntry("figures", Map.of("eventsApplied", 500L));
        assertThat((Long) json.get(1).get("silentMillis")).isGreaterThanOrEqualTo(30_000L);
        assertThat(lost.describe(now)).startsWith("instance b-2 lost, roles apply, host host-b pid 22, holds 1 applyPartitions");
        assertThat(StatusJson.of(new MigrationStatus("demo", MigrationStatus.STREAMING, null, Samples.at(1000, 0), null))
                .get("instances")).isEqualTo(List.of());
    }
}
