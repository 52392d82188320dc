package io.shardshift.cutover;

import io.shardshift.client.ConfigFollower;
import io.shardshift.client.ConfigKeys;
import io.shardshift.client.shadow.JdbcReads;
import io.shardshift.client.shadow.KafkaShadowSink;
import io.shardshift.client.shadow.ShadowReads;
import io.shardshift.client.shadow.ShadowRecord;
import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.testkit.DemoFixture;
import io.shardshift.testkit.DemoStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shadow reads on the real stack: an application reads orders by key on the source and, through the client's
 * {@link ShadowReads}, on the new layout's targets (routed by the pending generation on the config topic); the
 * migrator's {@code cutover.shadowReads} gate counts the agreement records. A value changed directly on one target
 * is found by a shadow read, and the cutover is refused by the gate naming the mismatch.
 */
@Tag("slow")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ShadowReadsIT {
    private static final String BY_KEY = "SELECT id, tenant_id, customer, status, amount, created_at, note"
            + " FROM public.orders WHERE tenant_id = ? AND id = ?";

    static DemoFixture fixture;
    static MigrationRunner runner;
    static CutoverController controller;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        fixture = DemoFixture.start(false, 2_000);
        DemoStack stack = fixture.stack();
        String yaml = stack.specYaml("shadow", 500) + """
                cutover:
                  verify: false
                  maxLagMillis: 5000
                  stableFor: 1s
                  gateTimeout: 5s
                  shadowReads: {minReads: 20, maxMismatchRate: 0.0, window: 10m}
                """;
        MigrationSpec spec = SpecLoader.parse(yaml, Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));
        dir = Files.createTempDirectory("shadow-it");
        runner = MigrationRunner.start(spec, dir.resolve("state"));
        assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).isTrue();
        Drain.await(runner.lag(), Duration.ofSeconds(60));
        controller = CutoverService.attach(runner, dir.resolve("audit.log"));
    }

    @AfterAll
    static void stop() {
        if (controller != null) {
            controller.close();
        }
        if (runner != null) {
            runner.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private static DataSource dataSource(DevPostgres pg) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(pg.jdbcUrl(DemoStack.DATABASE));
        ds.setUser(pg.user());
        ds.setPassword(pg.password());
        return ds;
    }

    private static List<Object[]> someKeys(int n) throws Exception {
        List<Object[]> keys = new ArrayList<>();
        try (Connection c = fixture.source(); PreparedStatement ps = c.prepareStatement(
                "SELECT tenant_id, id FROM public.orders ORDER BY id LIMIT ?")) {
            ps.setInt(1, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(new Object[]{rs.getString(1), rs.getLong(2)});
                }
            }
        }
        return keys;
    }

    @Test
    void shouldFindAWrongValueOnOneTargetAndRefuseTheCutoverNamingIt() throws Exception {
        DemoStack stack = fixture.stack();
        MigrationSpec spec = runner.spec();
        DataSource source = dataSource(stack.source());
        JdbcReads newLayout = new JdbcReads(Map.of("pg_a", dataSource(stack.targets().get(0)),
                "pg_b", dataSource(stack.targets().get(1))));
        ShadowAgreement agreement = controller.shadowAgreement().orElseThrow();
        List<Object[]> keys = someKeys(30);

        try (ConfigFollower follower = ConfigFollower.start(spec.kafka().bootstrapServers(),
                ConfigKeys.topic(spec.topicPrefix()), Map.of());
             ShadowReads shadow = ShadowReads.start(follower, new KafkaShadowSink(spec.kafka().bootstrapServers(),
                     ShadowRecord.topic(spec.topicPrefix()), Map.of(), e -> { }), ShadowReads.Options.sampling(1.0))) {
            assertThat(follower.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            assertThat(follower.currentGeneration()).isEqualTo(1);
            assertThat(follower.pendingGeneration()).hasValue(2);

            for (Object[] k : keys) {
                List<Map<String, Object>> rows = shadow.rowsByKey("public.orders", (String) k[0], "id=" + k[1],
                        () -> JdbcReads.query(source, BY_KEY, k[0], k[1]), t -> newLayout.queryOn(t, BY_KEY, k[0], k[1]));
                assertThat(rows).as("the application's own answer for id %s", k[1]).hasSize(1);
            }
            String count = "SELECT status, count(*) AS n FROM public.orders WHERE tenant_id = ? GROUP BY status";
            shadow.rows("public.orders", "status counts of globex", false,
                    () -> JdbcReads.query(source, count, "globex"), () -> mergeCounts(newLayout.queryOnAll(count, "globex")));
            await().atMost(Duration.ofSeconds(30)).until(() -> agreement.counts(Duration.ofMinutes(10)).reads() >= 31);
            ShadowAgreement.Counts clean = agreement.counts(Duration.ofMinutes(10));
            assertThat(clean.agree()).as("agreement before the injection: %s", agreement.mismatches()).isEqualTo(31);
            assertThat(shadow.stats().dropped()).isZero();

            Object[] victim = keys.get(7);
            String target = follower.layout(2).orElseThrow().targetFor((String) victim[0]);
            DevPostgres onTarget = stack.targets().get(target.equals("pg_a") ? 0 : 1);
            try (Connection c = onTarget.connect(DemoStack.DATABASE); PreparedStatement ps = c.prepareStatement(
                    "UPDATE public.orders SET amount = 987654.32 WHERE id = ?")) {
                ps.setLong(1, (Long) victim[1]);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            shadow.rowsByKey("public.orders", (String) victim[0], "id=" + victim[1],
                    () -> JdbcReads.query(source, BY_KEY, victim[0], victim[1]),
                    t -> newLayout.queryOn(t, BY_KEY, victim[0], victim[1]));
            await().atMost(Duration.ofSeconds(30)).until(() -> agreement.counts(Duration.ofMinutes(10)).mismatch() == 1);
        }

        ShadowRecord mismatch = agreement.mismatches().get(0);
        assertThat(mismatch.target()).isIn("pg_a", "pg_b");
        assertThat(mismatch.newAnswer()).contains("987654.32");
        assertThat(mismatch.oldAnswer()).doesNotContain("987654.32");

        CutoverResult result = controller.cutover();

        assertThat(result.completed()).isFalse();
        assertThat(result.failedStep()).isEqualTo(SwitchStep.GATES);
        assertThat(result.reason()).startsWith("shadow-reads: 32 shadow reads").contains("31 agree, 1 mismatch")
                .contains(mismatch.query());
        assertThat(controller.liveGeneration()).isEqualTo(1);
    }

    /** The per-status counts of every target summed into one row per status. */
    private static List<Map<String, Object>> mergeCounts(List<Map<String, Object>> perTarget) {
        Map<Object, Long> sum = new java.util.TreeMap<>();
        perTarget.forEach(r -> sum.merge(r.get("status"), ((Number) r.get("n")).longValue(), Long::sum));
        List<Map<String, Object>> out = new ArrayList<>();
        sum.forEach((s, n) -> out.add(Map.of("status", s, "n", n)));
        return out;
    }
}
