package io.shardshift.migrator.http;

import io.shardshift.client.shadow.ShadowRecord;
import io.shardshift.cutover.ShadowAgreement;
import io.shardshift.engine.metrics.MigrationMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's Shadow reads panel in a real (headless) browser, served by the migrator's routes: it asks for
 * the token, then shows the window's counts and a mismatching read with both answers.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DashboardShadowIT {
    static final String TOKEN = "dashboard-shadow-it-token";
    static HttpApi api;
    static DevToolsPage page;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.require();
        StatusRoutesTest.FixedStatus status = new StatusRoutesTest.FixedStatus();
        long now = System.currentTimeMillis();
        ShadowAgreement agreement = new ShadowAgreement(Duration.ofHours(1), System::currentTimeMillis);
        for (int i = 0; i < 3; i++) {
            agreement.accept(new ShadowRecord("a" + i, "client", "rows", "public.orders", "id=" + i, "pg_a", 2, "agree",
                    "", "[x]", "[x]", null, now - 1000));
        }
        agreement.accept(new ShadowRecord("m1", "replay", "search", "orders", "q=tenant_id:globex", "orders_v3", 0,
                "mismatch", "numFound 12 vs 11", "{\"numFound\":12,\"ids\":[\"globex!1\"]}",
                "{\"numFound\":11,\"ids\":[\"globex!2\"]}", "0/1A2B3C", now - 500));
        api = HttpApi.create("127.0.0.1", 0, ApiToken.of(TOKEN));
        StatusRoutes.register(api, status, new MigrationMetrics("demo", () -> status.samples.get(2)), () -> CutoverView.EMPTY);
        ShadowRoutes.register(api, agreement);
        api.start();
        page = DevToolsPage.launch(chromium);
        page.navigate(api.url());
    }

    @AfterAll
    static void stop() {
        try {
            if (page != null) {
                page.close();
            }
        } finally {
            if (api != null) {
                api.close();
            }
        }
    }

    @Test
    void shouldShowTheCountsAndTheMismatchWithBothAnswersOnceTheTokenIsGiven() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> page.text("#shadow-state").equals("needs the API token"));
        assertThat(page.text("#shadow-mismatches tbody")).isEqualTo("no mismatch");

        page.type("#token", TOKEN);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(page.text("#shadow-state")).isEqualTo("1 mismatching");
            assertThat(page.text("#shadow-counts")).startsWith("4 reads in the last 10m: 3 agree, 1 mismatch, 0 error,"
                    + " 0 explained by lag");
        });
        assertThat(page.evaluate("document.getElementById('shadow-panel').dataset.mismatches").asText()).isEqualTo("1");
        String row = page.text("#shadow-mismatches tbody");
        assertThat(row).contains("orders q=tenant_id:globex @orders_v3", "mismatch", "numFound 12 vs 11",
                "\"numFound\":12", "\"numFound\":11");
        assertThat(page.errors()).isEmpty();
    }
}
