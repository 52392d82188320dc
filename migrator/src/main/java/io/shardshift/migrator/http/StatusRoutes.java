package io.shardshift.migrator.http;

import io.shardshift.engine.metrics.MigrationMetrics;
import io.shardshift.engine.metrics.StatusSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The read-only routes of the operator surface: the status API, the lag history for the charts, the
 * cutover view and the Prometheus metrics, all behind the API token since they answer data; and, open, the
 * dashboard's static files and the liveness probe {@code GET /healthz} ({@code {"ok": true}}, nothing else).
 */
public final class StatusRoutes {
    private static final Map<String, String> STATIC = Map.of(
            "/", "dashboard.html",
            "/dashboard.js", "dashboard.js",
            "/dashboard.css", "dashboard.css",
            "/dashboard-shadow.js", "dashboard-shadow.js");

    private StatusRoutes() {
    }

    /**
     * Adds the routes to the API.
     *
     * @param metrics the Prometheus metrics, or {@code null} to answer {@code /metrics} with 404
     * @param cutover read on every {@code GET /v1/cutover}
     */
    public static void register(HttpApi api, StatusSource status, MigrationMetrics metrics, Supplier<CutoverView> cutover) {
        api.route("GET", "/v1/rebalance/status", request -> {
            request.param("id").filter(id -> !id.equals(status.migrationId())).ifPresent(id -> {
                throw ApiException.notFound("no migration '" + id + "'; this migrator runs '" + status.migrationId() + "'");
            });
            return ApiResponse.json(StatusJson.of(status.status()));
        });
        api.route("GET", "/v1/lag/history", request ->
                ApiResponse.json(StatusJson.history(status.migrationId(), status.history(request.longParam("since", 0)))));
        api.route("GET", "/v1/cutover", request -> ApiResponse.json(cutover.get().state()));
        if (metrics != null) {
            api.route("GET", "/metrics", request -> ApiResponse.text(MigrationMetrics.CONTENT_TYPE, metrics.scrape()));
        }
        STATIC.forEach((path, file) -> api.openRoute("GET", path, request -> resource(file)));
        api.openRoute("GET", "/healthz", request -> ApiResponse.json(Map.of("ok", true)));
    }

    private static ApiResponse resource(String file) throws IOException {
        try (InputStream in = StatusRoutes.class.getResourceAsStream(file)) {
            if (in == null) {
                throw ApiException.notFound("the dashboard file " + file + " is missing from the build");
            }
            return new ApiResponse(200, contentType(file), in.readAllBytes());
        }
    }

    private static String contentType(String file) {
        if (file.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        return file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
    }
}
