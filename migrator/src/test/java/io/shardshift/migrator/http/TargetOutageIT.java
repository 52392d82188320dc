package io.shardshift.migrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.core.verify.CompareReport;
import io.shardshift.devstack.DevPostgres;
import io.shardshift.engine.lag.Drain;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.testkit.DemoStack;
import io.shardshift.testkit.RowCompare;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A target PostgreSQL stopped for 20 s under a live write load, then started again on the same data
 * directory and port: apply waits instead of stopping, the status JSON, the Prometheus gauge and the
 * dashboard show "waiting for target pg_b" meanwhile, the wait clears once it is back, and then every source
 * row equals its target row, each key in exactly one target (nothing lost, nothing duplicated).
 */
@Tag("slow")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TargetOutageIT {
    static final String TOKEN = "outage-it-token";
    static final Duration OUTAGE = Duration.ofSeconds(20);
    static DashboardFixture fixture;
    static MigrationRunner runner;
    static DashboardServer server;

    @BeforeAll
    static void start() throws Exception {
        fixture = DashboardFixture.start("outage", 10_000, TOKEN);
        runner = fixture.runner();
        server = fixture.server();
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldWaitForAStoppedTargetShowItAndLoseNothingOnceItIsBack() throws Exception {
        assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).isTrue();
        await().atMost(Duration.ofMinutes(1)).until(() -> runner.metrics().target("pg_b").eventsApplied() > 100);
        DevPostgres pgB = fixture.stack().targets().get(1);

        pgB.stop();
        long stoppedAt = System.nanoTime();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode s = status();
                assertThat(s.at("/waitingTargets/0/target").asText()).as(s.toString()).isEqualTo("pg_b");
                assertThat(s.at("/waitingTargets/0/text").asText()).startsWith("waiting for target pg_b since ")
                        .contains("127.0.0.1:" + pgB.port()).doesNotContain(pgB.password() + "@");
                assertThat(s.get("waitingTargets")).hasSize(1);
                assertThat(s.get("phase").asText()).isEqualTo("streaming");
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> metric("target=\"pg_b\"") > 0);
            assertThat(metric("target=\"pg_a\"")).isZero();
            String dom = HeadlessChromium.require().dumpDom(server.url().resolve("/#token=" + TOKEN), 4000);
            assertThat(dom).contains("WAITING waiting for target pg_b since");

            long left = OUTAGE.toNanos() - (System.nanoTime() - stoppedAt);
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
            assertThat(runner.failure()).as("apply waits through the outage instead of stopping").isEmpty();
        } finally {
            pgB.restart();
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(status().get("waitingTargets")).isEmpty();
            assertThat(metric("target=\"pg_b\"")).isZero();
        });
        long appliedAfter = runner.metrics().target("pg_b").eventsApplied();
        await().atMost(Duration.ofSeconds(30)).until(() -> runner.metrics().target("pg_b").eventsApplied() > appliedAfter);
        fixture.stopLoad();
        Drain.await(runner.lag(), Duration.ofMinutes(2));

        CompareReport report = compare(runner.tables().get(0));
        assertThat(report.mismatches()).isEmpty();
        assertThat(report.clean()).isTrue();
        assertThat(report.sourceRows()).isGreaterThanOrEqualTo(10_000);
        assertThat(runner.failure()).isEmpty();
        assertThat(runner.deadLetters()).isZero();
    }

    private static JsonNode status() throws Exception {
        return Http.json(Http.get(server.url(), "/v1/migration/status", TOKEN));
    }

    /** {@code shardshift_target_waiting_seconds} of one target, -1 when absent. */
    private static double metric(String label) throws Exception {
        String text = Http.get(server.url(), "/metrics", TOKEN).body();
        Matcher m = Pattern.compile("^shardshift_target_waiting_seconds\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)$",
                Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static CompareReport compare(TableSchema table) throws Exception {
        DemoStack stack = fixture.stack();
        Map<String, Connection> targets = new LinkedHashMap<>();
        try (Connection src = stack.source().connect(DemoStack.DATABASE)) {
            targets.put("pg_a", stack.targets().get(0).connect(DemoStack.DATABASE));
            targets.put("pg_b", stack.targets().get(1).connect(DemoStack.DATABASE));
            return RowCompare.compare(src, targets, table, fixture.spec().shardKeyOf(table.id()), fixture.spec().routing());
        } finally {
            for (Connection c : targets.values()) {
                c.close();
            }
        }
    }
}
