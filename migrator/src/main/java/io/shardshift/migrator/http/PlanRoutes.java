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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
 * A measurement is kept for a minute per dimension, so the dashboard's polling does not load the source. It runs on
 * a thread of its own: a request waits for it at most {@link #ANSWER_WAIT}, then gets a 503 ("measuring, ask again"),
 * so a slow source never holds the API's few request threads (the status and the cutover routes share them).
 */
final class PlanRoutes {
    private static final Duration KEEP = Duration.ofMinutes(1);
    /** How long a request waits for a measurement before it is told to ask again. */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(3);
    private static final Set<String> DIMENSIONS = Set.of(LayoutProposal.LOAD, LayoutProposal.ROWS, LayoutProposal.BYTES,
            LayoutProposal.WRITES);

    private record Measured(Instant at, Map<String, Object> answer) {
    }

    private final MigrationSpec spec;
    private final Duration window;
    private final Map<String, Measured> kept = new ConcurrentHashMap<>();
    private final Map<String, Future<Map<String, Object>>> measuring = new ConcurrentHashMap<>();
    private final ExecutorService measurer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "shardshift-http-plan");
        t.setDaemon(true);
        return t;
    });

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

    private Map<String, Object> answer(String dimension) throws InterruptedException {
        Measured m = kept.get(dimension);
        if (m != null && m.at().plus(KEEP).isAfter(Instant.now())) {
            return m.answer();
        }
        Future<Map<String, Object>> running = measuring.computeIfAbsent(dimension,
                d -> measurer.submit(() -> measure(d)));
        try {
            Map<String, Object> out = running.get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            measuring.remove(dimension, running);
            return out;
        } catch (TimeoutException e) {
            throw new ApiException(503, "unavailable", "measuring the source for the plan (" + window.toSeconds()
                    + " s window); ask again in a few seconds");
        } catch (ExecutionException e) {
            measuring.remove(dimension, running);
            Throwable cause = e.getCause();
            if (cause instanceof ApiException api) {
                throw api;
            }
            throw new ApiException(503, "unavailable", Secrets.maskCredentials("cannot measure the plan: " + cause));
        }
    }

    private Map<String, Object> measure(String dimension) throws InterruptedException {
        try {
            return measureOnce(dimension);
        } finally {
            measuring.remove(dimension); // kept (or failed) now: the request after the answer expires measures again
        }
    }

    private Map<String, Object> measureOnce(String dimension) throws InterruptedException {
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
