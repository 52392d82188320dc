package io.shardshift.migrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.engine.metrics.MigrationMetrics;
import io.shardshift.engine.metrics.Samples;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboard shipped at the repository root queries only series the migrator exports. */
class GrafanaDashboardTest {
    static final Path DASHBOARD = Path.of("..", "grafana", "shardshift-dashboard.json");

    @Test
    void shouldQueryOnlySeriesTheMigratorExports() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> queried = new TreeSet<>();
        Pattern series = Pattern.compile("shardshift_[a-z_]+");
        for (JsonNode expr : dashboard.findValues("expr")) {
            Matcher m = series.matcher(expr.asText());
            while (m.find()) {
                queried.add(m.group());
            }
        }
        MigrationMetrics metrics = new MigrationMetrics("demo", () -> Samples.at(1000, 1));
        metrics.addMetersFor(Samples.at(1000, 1));
        metrics.recordLatency("pg_a", 10);
        metrics.bindRateGuard(() -> null);
        String exported = metrics.scrape();

        assertThat(queried).hasSizeGreaterThan(10);
        queried.remove("shardshift_cutover_gate_passed"); // exported by DashboardServer per gate (see DashboardIT)
        assertThat(queried).allSatisfy(name -> assertThat(exported).contains(name + "{"));
        assertThat(dashboard.findValuesAsText("title")).contains("Lag per target (seconds)",
                "Consumer lag per partition (events)", "Backfill progress per table", "Cutover gates", "Slot wal_status",
                "Backfill rate (rows/s)", "Backfill rate limited by");
    }
}
