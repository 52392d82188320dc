package io.shardshift.migrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardshift.engine.run.MigrationRunner;
import io.shardshift.engine.metrics.LagSample;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator surface on a real migration (PostgreSQL source, two PostgreSQL targets, Kafka) with live
 * writes: Prometheus series with values that move, the status JSON, and the dashboard rendered by a real
 * headless Chromium with charts that draw data and move.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DashboardIT {
    static final String TOKEN = "dashboard-it-token";
    static DashboardFixture fixture;
    static MigrationRunner runner;
    static DashboardServer server;

    @BeforeAll
    static void start() throws Exception {
        fixture = DashboardFixture.start("dash", 20_000, TOKEN);
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
    void shouldExposeEveryNamedSeriesWithValuesThatMove() throws Exception {
        await().atMost(Duration.ofMinutes(2)).until(() -> metric("shardshift_target_events_applied_total", "target=\"pg_b\"") > 0);
        double wal = metric("shardshift_source_wal_lsn", "");
        double published = metric("shardshift_capture_published_events_total", "");
        double applied = metric("shardshift_target_events_applied_total", "target=\"pg_b\"");

        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            assertThat(metric("shardshift_source_wal_lsn", "")).isGreaterThan(wal);
            assertThat(metric("shardshift_capture_published_events_total", "")).isGreaterThan(published);
            assertThat(metric("shardshift_target_events_applied_total", "target=\"pg_b\"")).isGreaterThan(applied);
            assertThat(metric("shardshift_apply_latency_seconds_count", "target=\"pg_b\"")).isPositive();
        });
        String text = Http.get(server.url(), "/metrics", TOKEN).body();
        assertThat(text).contains("shardshift_target_applied_lsn{migration=\"dash\",target=\"pg_a\"}",
                "shardshift_target_lag_bytes{migration=\"dash\",target=\"pg_a\"}",
                "shardshift_target_lag_seconds{migration=\"dash\",target=\"pg_b\"}",
                "shardshift_target_dead_letters{migration=\"dash\",target=\"pg_a\"} 0",
                "shardshift_dead_letter_topic_events{migration=\"dash\"} 0",
                "shardshift_consumer_lag_events{migration=\"dash\",partition=\"7\",topic=",
                "shardshift_backfill_rows{migration=\"dash\",table=\"public.orders\"}",
                "shardshift_apply_latency_seconds_bucket{migration=\"dash\",target=\"pg_b\",le=");
        assertThat(metric("shardshift_slot_retained_wal_bytes", "")).isGreaterThanOrEqualTo(0);
        assertThat(metric("shardshift_slot_wal_status", "status=\"reserved\"")).isEqualTo(1.0);
        assertThat(metric("shardshift_slot_wal_status", "status=\"lost\"")).isEqualTo(0.0);

        server.cutoverView(() -> new CutoverView.State("not-ready",
                List.of(new CutoverView.Gate("backfill-done", true, "1 of 1 tables")), List.of()));
        await().atMost(Duration.ofSeconds(30)).until(() -> metric("shardshift_cutover_gate_passed", "gate=\"backfill-done\"") == 1.0);
    }

    @Test
    void shouldAnswerTheStatusWithBackfillProgressAndLagPerTargetAndPartition() throws Exception {
        assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).isTrue();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode s = Http.json(Http.get(server.url(), "/v1/rebalance/status?id=dash", TOKEN));
            assertThat(s.get("phase").asText()).isEqualTo("streaming");
            assertThat(s.at("/backfill/0/table").asText()).isEqualTo("public.orders");
            assertThat(s.at("/backfill/0/finished").asBoolean()).isTrue();
            assertThat(s.at("/backfill/0/rowsRead").asLong()).isGreaterThanOrEqualTo(20_000);
            assertThat(s.get("targets")).extracting(t -> t.get("target").asText()).containsExactly("pg_a", "pg_b");
            assertThat(s.at("/targets/1/eventsApplied").asLong()).isPositive();
            assertThat(s.at("/targets/1/appliedLsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
            assertThat(s.get("partitions")).hasSize(8);
            assertThat(s.at("/deadLetters/topicEvents").asLong()).isZero();
            assertThat(s.at("/source/slotRetainedWalBytes").isNumber()).as("source.slotRetainedWalBytes is a number in %s", s)
                    .isTrue();
            assertThat(s.at("/source/slotRetainedWalBytes").asLong()).isPositive();
            assertThat(s.at("/source/slotWalStatus").asText()).as("wal_status of the live slot").isEqualTo("reserved");
        });
        assertThat(Http.get(server.url(), "/v1/rebalance/status?id=nope", TOKEN).statusCode()).isEqualTo(404);
        assertThat(Http.get(server.url(), "/v1/rebalance/status?id=dash").statusCode()).as("without the token").isEqualTo(401);
        assertThat(Http.get(server.url(), "/metrics").statusCode()).as("metrics without the token").isEqualTo(401);
    }

    @Test
    void shouldRenderTheDashboardWithChartsThatDrawMovingDataInHeadlessChromium() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.require();
        await().atMost(Duration.ofMinutes(1)).until(() -> server.sampler().history().size() >= 5);

        String first = chromium.dumpDom(withToken(), 4000);
        assertThat(first).contains("<span id=\"migration-id\">dash</span>");
        assertThat(attribute(first, "chart-lag-seconds", "data-points")).isGreaterThanOrEqualTo(5);
        assertThat(attribute(first, "chart-lag-bytes", "data-series")).isEqualTo(2);
        assertThat(attribute(first, "chart-partitions", "data-series")).isEqualTo(8);
        assertThat(attribute(first, "chart-partitions", "data-points")).isGreaterThanOrEqualTo(5);
        assertThat(first).contains("data-table=\"public.orders\"").containsPattern("<td>pg_b</td>");
        assertThat(first).as("this process in the Instances panel").containsPattern("<tr class=\"live\" data-instance=\""
                + Pattern.quote(runner.options().instanceId()) + "\" data-state=\"live\"><td>[^<]*</td><td>live</td>"
                + "<td>capture, backfill, apply</td>");
        long firstLast = bodyLong(first, "data-last-t");

        long before = server.sampler().latest().takenAtMillis();
        await().atMost(Duration.ofSeconds(30)).until(() -> server.sampler().latest().takenAtMillis() > before + 2000);
        String second = chromium.dumpDom(withToken(), 3000);
        assertThat(bodyLong(second, "data-last-t")).as("newest sample drawn").isGreaterThan(firstLast);

        assertP99TileShowsTheRecentWindowWithSinceStartAsSecondary(second);

        Path png = buildDirectory().resolve("dashboard.png");
        chromium.screenshot(withToken(), 4000, png);
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }

    @Test
    void shouldRunAVerifyStartedOverHttpAndShowItInTheVerificationPanel() throws Exception {
        assertThat(runner.awaitBackfill(Duration.ofMinutes(2))).isTrue();
        runner.lag().watermark().awaitApplied(runner.lag().watermark().sourceWalLsn(), Duration.ofMinutes(2));
        assertThat(Http.post(server.url(), "/v1/verify", "", null).statusCode()).isEqualTo(401);
        assertThat(Http.post(server.url(), "/v1/verify", "", TOKEN).statusCode()).isEqualTo(202);
        assertThat(Http.get(server.url(), "/v1/verify").statusCode()).as("rows of the report without the token").isEqualTo(401);
        await().atMost(Duration.ofMinutes(2)).until(() -> !Http.json(Http.get(server.url(), "/v1/verify", TOKEN)).get("last").isNull());
        JsonNode v = Http.json(Http.get(server.url(), "/v1/verify", TOKEN));
        assertThat(v.at("/last/report/clean").asBoolean()).as(v.toString()).isTrue();
        assertThat(v.at("/last/report/tables/0/table").asText()).isEqualTo("public.orders");
        assertThat(v.at("/last/report/tables/0/rowsCompared").asLong()).isGreaterThanOrEqualTo(20_000);

        String dom = HeadlessChromium.require().dumpDom(withToken(), 4000);
        assertThat(dom).contains("Verification", "<span id=\"verify-state\" class=\"badge clean\">clean</span>",
                "<td>public.orders</td>");
    }

    /**
     * The p99 card's main figure is the sample's recent-window p99 (worst target) and its secondary text the
     * since-start p99, both of the very sample the page drew (found by its time in the sampler's history).
     */
    private static void assertP99TileShowsTheRecentWindowWithSinceStartAsSecondary(String dom) {
        Matcher tile = Pattern.compile("<div class=\"value\" id=\"tile-p99\" data-taken-at=\"(\\d+)\">([^<]*)</div>"
                + "<div class=\"unit\" id=\"tile-p99-since\">([^<]*)</div>").matcher(dom);
        assertThat(tile.find()).as("the p99 tile in the DOM").isTrue();
        long takenAt = Long.parseLong(tile.group(1));
        LagSample drawn = server.sampler().history().since(0).stream().filter(s -> s.takenAtMillis() == takenAt).findFirst()
                .orElseThrow(() -> new AssertionError("no sample taken at " + takenAt + " in the sampler's history"));
        long recent = drawn.targets().stream().mapToLong(LagSample.TargetLag::recentP99Millis).max().orElse(0);
        long sinceStart = drawn.targets().stream().mapToLong(LagSample.TargetLag::p99LatencyMillis).max().orElse(0);
        assertThat(drawn.targets().stream().mapToLong(LagSample.TargetLag::latencySamples).sum()).isPositive();
        assertThat(tile.group(2).replace(",", "")).isEqualTo(String.valueOf(recent));
        assertThat(tile.group(3)).isEqualTo("ms commit → applied, worst target, last ~30 s; since start "
                + String.format(java.util.Locale.ROOT, "%,d", sinceStart) + " ms");
    }

    /** The dashboard's link with the token in its fragment, as an operator would open it. */
    private static java.net.URI withToken() {
        return server.url().resolve("/#token=" + TOKEN);
    }

    private static double metric(String name, String label) throws Exception {
        String text = Http.get(server.url(), "/metrics", TOKEN).body();
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)$",
                Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static int attribute(String dom, String id, String attribute) {
        Matcher tag = Pattern.compile("<canvas id=\"" + id + "\"[^>]*>").matcher(dom);
        assertThat(tag.find()).as("canvas " + id + " in the DOM").isTrue();
        Matcher value = Pattern.compile(attribute + "=\"(\\d+)\"").matcher(tag.group());
        assertThat(value.find()).as(attribute + " of " + id + " in " + tag.group()).isTrue();
        return Integer.parseInt(value.group(1));
    }

    private static long bodyLong(String dom, String attribute) {
        Matcher tag = Pattern.compile("<body[^>]*>").matcher(dom);
        assertThat(tag.find()).isTrue();
        Matcher value = Pattern.compile(attribute + "=\"(\\d+)\"").matcher(tag.group());
        assertThat(value.find()).as(attribute + " in " + tag.group()).isTrue();
        return Long.parseLong(value.group(1));
    }

    private static Path buildDirectory() throws Exception {
        return Path.of(DashboardIT.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    }
}
