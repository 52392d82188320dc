package io.shardshift.migrator.http;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.Secrets;
import io.shardshift.plan.LayoutProposal;
import io.shardshift.plan.LoadWeight;
import io.shardshift.plan.PlanResult;
import io.shardshift.plan.PlanRunner;
import io.shardshift.plan.PlanSettings;
import io.shardshift.plan.chart.BarChart;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plan's before/after chart on the dashboard: {@code GET /v1/plan?dimension=rows} (token required) measures the
 * running migration's source as {@code shardshift plan} does (without Kafka, over a short window) and answers
 * the chart of the spec's layout (before) against the layout the plan proposes (after), per target:
 *
 * <pre>{@code
 * {"dimension":"rows","generation":2,"measuredAt":"2026-12-07T02:10:00Z","movedRows":0,
 *  "chart":{"title":"rows per target","unit":"rows","bars":[{"label":"pg_a","before":9960.0,"after":9960.0},...]},
 *  "notes":["kafka: not measured (switched off)", ...]}
 * }</pre>
 *
 * A measurement is kept for a minute per dimension, so the dashboard's polling does not load the source.
 */
final class PlanRoutes {
    private static final Duration KEEP = Duration.ofMinutes(1);
    private static final Set<String> DIMENSIONS = Set.of(LayoutProposal.LOAD, LayoutProposal.ROWS, LayoutProposal.BYTES,
            LayoutProposal.WRITES);

    private record Measured(Instant at, Map<String, Object> answer) {
    }

    private final MigrationSpec spec;
    private final Duration window;
    private final Map<String, Measured> kept = new LinkedHashMap<>();

    private PlanRoutes(MigrationSpec spec, Duration window) {
        this.spec = spec;
        this.window = window;
    }

    /** Adds {@code GET /v1/plan} to the API. */
    static void register(HttpApi api, MigrationSpec spec, Duration window) {
        PlanRoutes routes = new PlanRoutes(spec, window);
        api.route("GET", "/v1/plan", request -> {
            String dimension = request.param("dimension").orElse(LayoutProposal.ROWS);
            if (!DIMENSIONS.contains(dimension)) {
                throw ApiException.badRequest("query parameter 'dimension' must be one of " + List.of(LayoutProposal.LOAD,
                        LayoutProposal.ROWS, LayoutProposal.BYTES, LayoutProposal.WRITES) + ", was '" + dimension + "'");
            }
            return ApiResponse.json(routes.answer(dimension));
        });
    }

    private synchronized Map<String, Object> answer(String dimension) throws InterruptedException {
        Measured m = kept.get(dimension);
        if (m != null && m.at().plus(KEEP).isAfter(Instant.now())) {
            return m.answer();
        }
        PlanResult result;
        try {
            result = new PlanRunner(spec).run(spec, PlanSettings.defaults().withWindow(window).withKafka(false));
        } catch (SQLException e) {
            throw new ApiException(503, "unavailable", Secrets.maskCredentials("cannot measure the source for the plan: "
                    + e.getMessage()));
        }
        BarChart chart = BarChart.of(result.proposal(), dimension, LoadWeight.BALANCED);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dimension", dimension);
        out.put("generation", spec.routing().generation());
        out.put("measuredAt", Instant.now().toString());
        out.put("movedRows", result.proposal().movedRows());
        out.put("chart", chart);
        out.put("notes", result.report().notes());
        kept.put(dimension, new Measured(Instant.now(), out));
        return out;
    }
}
