package io.shardshift.migrator.http;

import io.shardshift.rebalance.RebalanceRequests;
import io.shardshift.rebalance.RebalanceRegistry;
import io.shardshift.rebalance.Rebalance;

import io.shardshift.cutover.CutoverResult;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rebalance calls of the HTTP API, over a {@link RebalanceRegistry}; the same in {@code shardshift serve}
 * and {@code shardshift migrate}:
 * <ul>
 *   <li>{@code POST /v1/rebalance/db/rehome {tenant, target_instance}} and
 *       {@code POST /v1/rebalance/search/start {collection, routing, dual_write}} start one: {@code 202
 *       {id, kind, object, spec, status_url}}; 400/404 naming the field at fault; 409 if one of the same kind
 *       and tenant or collection is running;</li>
 *   <li>{@code GET /v1/rebalance/status?id=}: phase, backfill progress, lag, live generation, last cutover or
 *       rollback (without {@code id}: the migration {@code migrate} runs, which the dashboard shows);</li>
 *   <li>{@code POST /v1/rebalance/cutover {id}} runs its cutover now, {@code POST /v1/rebalance/rollback
 *       {id, reason}} rolls it back: {@code 200} with the result, {@code 409} if it aborted;</li>
 *   <li>{@code POST /v1/rebalance/stream/expand {topic, new_partitions, reassign, throttle_bytes_per_second}}
 *       expands a keyed topic in place and balances its leaders and replicas over the brokers ({@code 202}; 400
 *       naming {@code topic}, {@code new_partitions} or {@code throttle_bytes_per_second}: unknown topic, not more
 *       than or not a multiple of the live count, fewer than the topic has, a throttle under 1024); its cutover
 *       (409 while the reassignment runs) and rollback flip the producers' route;</li>
 *   <li>{@code GET /v1/rebalance} lists them.</li>
 * </ul>
 * Mutating calls need the bearer token; errors are JSON with a reason.
 */
public final class RebalanceRoutes {
    private final RebalanceRegistry registry;

    private RebalanceRoutes(RebalanceRegistry registry) {
        this.registry = registry;
    }

    /** Adds the routes to {@code api} (replacing any earlier ones on the same paths). */
    public static void register(HttpApi api, RebalanceRegistry registry) {
        RebalanceRoutes routes = new RebalanceRoutes(registry);
        api.route("POST", "/v1/rebalance/db/rehome", routes::rehome);
        api.route("POST", "/v1/rebalance/search/start", routes::searchStart);
        api.route("POST", "/v1/rebalance/stream/expand", routes::streamExpand);
        api.route("GET", "/v1/rebalance/status", routes::status);
        api.route("POST", "/v1/rebalance/cutover", routes::cutover);
        api.route("POST", "/v1/rebalance/rollback", routes::rollback);
        api.route("GET", "/v1/rebalance", routes::list);
    }

    private ApiResponse rehome(ApiRequest request) {
        RebalanceRequests.Rehome body = request.body(RebalanceRequests.Rehome.class);
        return accepted(registry.startRehome(body.tenant(), body.targetInstance()));
    }

    private ApiResponse searchStart(ApiRequest request) {
        RebalanceRequests.SearchStart body = request.body(RebalanceRequests.SearchStart.class);
        return accepted(registry.startSearch(body.collection(), body.routing(), Boolean.TRUE.equals(body.dualWrite())));
    }

    private ApiResponse streamExpand(ApiRequest request) {
        RebalanceRequests.StreamExpand body = request.body(RebalanceRequests.StreamExpand.class);
        return accepted(registry.startStreamExpand(body.topic(), body.newPartitions(), body.reassign(),
                body.throttleBytesPerSecond()));
    }

    private static ApiResponse accepted(Rebalance r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("kind", r.kind());
        out.put("object", r.object());
        out.put("phase", r.phase());
        out.put("spec", r.summary());
        out.put("status_url", statusUrl(r.id()));
        return ApiResponse.json(202, out);
    }

    private static String statusUrl(String id) {
        return "/v1/rebalance/status?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    private ApiResponse status(ApiRequest request) {
        Rebalance r = request.param("id").filter(id -> !id.isEmpty()).map(registry::get)
                .or(registry::primary)
                .orElseThrow(() -> ApiException.badRequest("query parameter 'id' is required; known rebalances: "
                        + registry.list().stream().map(Rebalance::id).toList()));
        return ApiResponse.json(r.status());
    }

    private ApiResponse cutover(ApiRequest request) {
        RebalanceRequests.Cutover body = request.body(RebalanceRequests.Cutover.class);
        return answer(registry.get(body.id()).cutover());
    }

    private ApiResponse rollback(ApiRequest request) {
        RebalanceRequests.Rollback body = request.body(RebalanceRequests.Rollback.class);
        return answer(registry.get(body.id()).rollback(body.reason() == null ? "operator rollback" : body.reason()));
    }

    private static ApiResponse answer(CutoverResult result) {
        if (!result.completed()) {
            throw ApiException.conflict(result.kind() + " " + result.id() + " aborted at step " + result.failedStep()
                    + ": " + result.reason() + "; generation " + result.fromGeneration() + " stays live");
        }
        return ApiResponse.json(result);
    }

    private ApiResponse list(ApiRequest request) {
        List<Map<String, Object>> all = registry.list().stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("kind", r.kind());
            m.put("object", r.object());
            m.put("phase", r.phase());
            m.put("status_url", statusUrl(r.id()));
            return m;
        }).toList();
        return ApiResponse.json(Map.of("base", registry.base().name(), "rebalances", all));
    }
}
