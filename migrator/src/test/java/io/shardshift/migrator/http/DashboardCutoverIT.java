package io.shardshift.migrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardshift.cutover.CutoverController;
import io.shardshift.cutover.CutoverService;
import io.shardshift.testkit.DemoStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A person at the dashboard, in a real headless Chromium driven over DevTools, on a real migration with
 * cutover attached: without the API token it asks for it; a click on "Cut over" without the API token shows the 401 and changes nothing; with the
 * token typed in, the cutover runs (buttons off meanwhile) and completes, the history shows the new
 * generation and the API reports it live; "Roll back" makes the old generation live again. After the cutover
 * the header says "cut over to generation G, observation window until T" (not the stream's "streaming"), the
 * Verification panel shows the clean run the cutover's verification gate made, and after the rollback the header
 * says so.
 */
@Tag("slow")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardCutoverIT {
    static final String TOKEN = "dashboard-cutover-it-token";
    static final String NAME = "dashcut";
    static DashboardFixture fixture;
    static CutoverController controller;
    static DevToolsPage page;
    static long oldGeneration;
    static long newGeneration;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.require();
        fixture = DashboardFixture.start(NAME, 5_000, TOKEN);
        assertThat(fixture.runner().awaitBackfill(Duration.ofMinutes(1))).isTrue();
        fixture.stopLoad();
        controller = CutoverService.attach(fixture.runner(), fixture.dir().resolve("audit.log"),
                fixture.server().verifyRuns());
        fixture.server().attachCutover(fixture.runner().spec().name(), controller);
        newGeneration = fixture.spec().routing().generation();
        oldGeneration = newGeneration - 1;
        page = DevToolsPage.launch(chromium);
        page.navigate(fixture.server().url());
        await("asks for the token").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(page.text("#auth-needed")).contains("enter the API token");
            assertThat(page.evaluate("document.getElementById('auth-needed').hidden").asBoolean()).isFalse();
        });
        assertThat(Http.get(fixture.server().url(), "/v1/cutover").statusCode()).isEqualTo(401);
        page.type("#token", TOKEN);
        await("dashboard loaded").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(page.text("#migration-id")).isEqualTo(NAME);
            assertThat(page.text("#live-generation")).isEqualTo("live generation " + oldGeneration);
            assertThat(disabled("#btn-cutover")).isFalse();
        });
    }

    @AfterAll
    static void stop() {
        try {
            if (page != null) {
                page.close();
            }
        } finally {
            if (controller != null) {
                controller.close();
            }
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    @Test
    @Order(1)
    void shouldShowTheUnauthorizedErrorAndChangeNothingWhenCutOverIsClickedWithoutAToken() throws Exception {
        page.evaluate("{ const t = document.getElementById('token'); t.value = ''; t.dispatchEvent(new Event('input')); }");
        assertThat(page.evaluate("document.getElementById('token').value").asText()).isEmpty();

        page.click("#btn-cutover");

        await().atMost(Duration.ofSeconds(30)).until(() -> page.text("#action-result").startsWith("cutover failed"));
        assertThat(page.text("#action-result")).contains("401 unauthorized", "enter the API token");
        assertThat(page.evaluate("document.getElementById('action-result').className").asText()).contains("error");
        assertThat(page.dialogs()).singleElement().asString().contains("Cut over " + NAME);
        assertThat(page.text("#history tbody")).isEqualTo("no cutover or rollback yet");
        assertThat(liveGeneration()).isEqualTo(oldGeneration);
        assertThat(disabled("#btn-cutover")).isFalse();
        insertOnSource();
    }

    @Test
    @Order(2)
    void shouldCutOverFromTheDashboardAndShowTheNewGenerationInTheHistory() throws Exception {
        page.type("#token", TOKEN);

        page.click("#btn-cutover");

        await().atMost(Duration.ofSeconds(10)).until(() -> page.text("#action-result").startsWith("cutover running"));
        assertThat(page.text("#cutover-phase")).isEqualTo("cutting-over");
        assertThat(disabled("#btn-cutover")).as("Cut over while running").isTrue();
        assertThat(disabled("#btn-rollback")).as("Roll back while running").isTrue();
        long drawnAtClick = page.evaluate("Number(document.body.dataset.lastT)").asLong();
        await("the charts keep moving while the cutover runs").atMost(Duration.ofSeconds(30))
                .until(() -> page.evaluate("Number(document.body.dataset.lastT)").asLong() > drawnAtClick);
        await().atMost(Duration.ofSeconds(90)).until(() -> !page.text("#action-result").startsWith("cutover running"));
        assertThat(page.text("#action-result")).startsWith("cutover completed: generation " + newGeneration + " is live");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(page.text("#cutover-phase")).isEqualTo("cut-over");
            assertThat(page.text("#live-generation")).isEqualTo("live generation " + newGeneration);
            assertThat(historyRow(0)).containsExactly("cutover", "completed", "generation " + newGeneration);
        });
        assertThat(disabled("#btn-rollback")).isFalse();
        assertThat(liveGeneration()).isEqualTo(newGeneration);
        String windowEnd = controller.observation().windowEnd().toString();
        await("the header tells the truth").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(page.text("#phase")).isEqualTo("cut over to generation " + newGeneration
                        + ", observation window until " + windowEnd));
        await("the verification panel shows the gate's run").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(page.text("#verify-state")).isEqualTo("clean");
            assertThat(page.text("#verify-time")).contains("by the cutover gate");
        });
        assertThat(page.text("#verify-tables tbody")).contains("public.orders");
        screenshot("dashboard-cutover.png");
        assertThatThrownBy(DashboardCutoverIT::insertOnSource).hasMessageContaining("moved to generation " + newGeneration);
    }

    @Test
    @Order(3)
    void shouldRollBackFromTheDashboardAndMakeTheOldGenerationLiveAgain() throws Exception {
        page.navigate(fixture.server().url());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(page.text("#live-generation")).isEqualTo("live generation " + newGeneration);
            assertThat(historyRow(0)).containsExactly("cutover", "completed", "generation " + newGeneration);
            assertThat(disabled("#btn-rollback")).isFalse();
        });
        assertThat(page.evaluate("document.getElementById('token').value").asText()).as("token kept in the tab").isEqualTo(TOKEN);

        page.click("#btn-rollback");

        await().atMost(Duration.ofSeconds(60)).until(() -> page.text("#action-result").matches("rollback (completed|failed).*"));
        assertThat(page.text("#action-result")).startsWith("rollback completed: generation " + oldGeneration + " is live");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(page.text("#cutover-phase")).isEqualTo("rolled-back");
            assertThat(page.text("#live-generation")).isEqualTo("live generation " + oldGeneration);
            assertThat(historyRow(0)).containsExactly("rollback", "completed", "generation " + oldGeneration);
            assertThat(historyRow(1)).containsExactly("cutover", "completed", "generation " + newGeneration);
            assertThat(page.text("#phase")).isEqualTo("rolled back to generation " + oldGeneration);
        });
        assertThat(page.dialogs()).hasSize(3).last().asString().contains("Roll " + NAME + " back");
        assertThat(liveGeneration()).isEqualTo(oldGeneration);
        insertOnSource();
        assertThat(page.errors()).as("uncaught errors in the page").isEmpty();
    }

    @Test
    @Order(4)
    void shouldShowThePlansBeforeAndAfterChartWithRowsPerTarget() throws Exception {
        assertThat(Http.get(fixture.server().url(), "/v1/plan").statusCode()).as("without the token").isEqualTo(401);
        assertThat(Http.get(fixture.server().url(), "/v1/plan?dimension=nope", TOKEN).statusCode()).isEqualTo(400);

        await("the plan chart drawn").atMost(Duration.ofSeconds(60)).until(() ->
                page.evaluate("document.getElementById('plan-chart').dataset.bars").asText().equals("2"));

        JsonNode bars = page.evaluate("[...document.querySelectorAll('#plan-chart .plan-row')].map(r => ({target:"
                + " r.dataset.target, before: Number(r.dataset.before), after: Number(r.dataset.after)}))");
        assertThat(bars).extracting(b -> b.get("target").asText()).containsExactly("pg_a", "pg_b");
        JsonNode plan = Http.json(Http.get(fixture.server().url(), "/v1/plan?dimension=rows", TOKEN));
        for (int i = 0; i < 2; i++) {
            assertThat(bars.get(i).get("before").asDouble()).as("rows before on %s", bars.get(i)).isPositive()
                    .isEqualTo(plan.at("/chart/bars/" + i + "/before").asDouble());
            assertThat(bars.get(i).get("after").asDouble()).isEqualTo(plan.at("/chart/bars/" + i + "/after").asDouble());
        }
        assertThat(page.text("#plan-title")).startsWith("rows per target (rows), generation " + newGeneration);
        assertThat(page.errors()).as("uncaught errors in the page").isEmpty();
    }

    private static long liveGeneration() throws Exception {
        JsonNode status = Http.json(Http.get(fixture.server().url(), "/v1/rebalance/status?id=" + NAME, TOKEN));
        assertThat(status.has("liveGeneration")).as("status: %s", status).isTrue();
        return status.get("liveGeneration").asLong();
    }

    private static boolean disabled(String selector) throws Exception {
        return page.evaluate("document.querySelector('" + selector + "').disabled").asBoolean();
    }

    /** action, outcome and detail of the n-th row of the history panel (newest first). */
    private static List<String> historyRow(int n) throws Exception {
        JsonNode cells = page.evaluate("[...document.querySelectorAll('#history tbody tr')].slice(" + n + ", " + (n + 1)
                + ").flatMap(tr => [...tr.cells].slice(1).map(td => td.textContent))");
        List<String> out = new ArrayList<>();
        cells.forEach(c -> out.add(c.asText()));
        return out;
    }

    /** What the tab shows, as a PNG beside the test classes (for a person reading a failed build). */
    private static void screenshot(String name) throws Exception {
        Path png = Path.of(DashboardCutoverIT.class.getProtectionDomain().getCodeSource().getLocation().toURI()).resolveSibling(name);
        Files.write(png, Base64.getDecoder().decode(page.call("Page.captureScreenshot", Map.of()).get("data").asText()));
    }

    /** A write as an application would make it on the old layout. */
    private static void insertOnSource() throws Exception {
        try (Connection c = fixture.stack().source().connect(DemoStack.DATABASE); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO public.orders (tenant_id, customer, status, amount, note) "
                    + "VALUES ('acme', 'dashboard-it', 'new', 1, 'written from the test')");
        }
    }
}
