package io.shardshift.migrator.cutover;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.shardshift.migrator.http.ApiException;
import io.shardshift.migrator.http.ApiRequest;
import io.shardshift.migrator.http.ApiResponse;
import io.shardshift.migrator.http.CutoverView;
import io.shardshift.migrator.http.HttpApi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's REST surface for cutover and rebalancing, registered on {@link HttpApi}:
 * <ul>
 *   <li>{@code POST /v1/cutover} runs a cutover now ({@code 200} with the result, {@code 409} if it aborted);</li>
 *   <li>{@code POST /v1/rebalance/rollback {id}} rolls the migration {@code id} back;</li>
 *   <li>{@code GET /v1/rebalance/status?id=} the live generation and the last cutover or rollback;</li>
 *   <li>{@code POST /v1/rebalance/search/start {collection, routing, dual_write}},
 *       {@code POST /v1/rebalance/db/rehome {tenant, target_instance}} and
 *       {@code POST /v1/rebalance/stream/expand {topic, new_partitions}} check their input, then answer 501
 *       until their own issues land.</li>
 * </ul>
 * Mutating calls need the bearer token; errors are JSON with a reason. Also the {@link CutoverView} of the
 * dashboard's {@code GET /v1/cutover}.
 */
public final class CutoverRoutes implements CutoverView {
    private final String migration;
    private final CutoverController controller;
    private final List<Event> history = new ArrayList<>();

    /** @param migration the migration's name: the {@code id} of the rebalance calls */
    public CutoverRoutes(String migration, CutoverController controller) {
        this.migration = migration;
        this.controller = controller;
    }

    /** Adds the routes to {@code api}. */
    public CutoverRoutes register(HttpApi api) {
        api.route("POST", "/v1/cutover", r -> answer(controller.cutover()), true);
        api.route("POST", "/v1/rebalance/rollback", this::rollback, true);
        api.route("GET", "/v1/rebalance/status", this::status, false);
        api.route("POST", "/v1/rebalance/search/start", this::searchStart, true);
        api.route("POST", "/v1/rebalance/db/rehome", this::dbRehome, true);
        api.route("POST", "/v1/rebalance/stream/expand", this::streamExpand, true);
        return this;
    }

    /** Body of {@code POST /v1/rebalance/rollback}. */
    public record RollbackRequest(@JsonProperty(value = "id", required = true) String id,
                                  @JsonProperty("reason") String reason) {
    }

    /** Body of {@code POST /v1/rebalance/search/start}. */
    public record SearchStartRequest(@JsonProperty(value = "collection", required = true) String collection,
                                     @JsonProperty(value = "routing", required = true) String routing,
                                     @JsonProperty("dual_write") Boolean dualWrite) {
    }

    /** Body of {@code POST /v1/rebalance/db/rehome}. */
    public record RehomeRequest(@JsonProperty(value = "tenant", required = true) String tenant,
                                @JsonProperty(value = "target_instance", required = true) String targetInstance) {
    }

    /** Body of {@code POST /v1/rebalance/stream/expand}. */
    public record ExpandRequest(@JsonProperty(value = "topic", required = true) String topic,
                                @JsonProperty(value = "new_partitions", required = true) Integer newPartitions) {
    }

    private ApiResponse rollback(ApiRequest request) {
        RollbackRequest body = request.body(RollbackRequest.class);
        requireMigration(body.id(), "id");
        return answer(controller.rollback(body.reason() == null ? "operator rollback" : body.reason()));
    }

    private ApiResponse status(ApiRequest request) {
        String id = request.param("id").orElseThrow(() -> ApiException.badRequest("query parameter 'id' is required"));
        requireMigration(id, "id");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", migration);
        out.put("liveGeneration", controller.liveGeneration());
        out.put("last", controller.lastResult().orElse(null));
        return ApiResponse.json(out);
    }

    private ApiResponse searchStart(ApiRequest request) {
        SearchStartRequest body = request.body(SearchStartRequest.class);
        if (body.collection().isBlank()) {
            throw ApiException.badRequest("'collection' must not be empty");
        }
        throw notYet("search rebalance of collection " + body.collection());
    }

    private ApiResponse dbRehome(ApiRequest request) {
        RehomeRequest body = request.body(RehomeRequest.class);
        if (body.tenant().isBlank()) {
            throw ApiException.badRequest("'tenant' must not be empty");
        }
        throw notYet("rehoming tenant " + body.tenant() + " to " + body.targetInstance());
    }

    private ApiResponse streamExpand(ApiRequest request) {
        ExpandRequest body = request.body(ExpandRequest.class);
        if (body.newPartitions() < 1) {
            throw ApiException.badRequest("'new_partitions' must be at least 1, was " + body.newPartitions());
        }
        throw notYet("expanding topic " + body.topic());
    }

    private static ApiException notYet(String what) {
        return new ApiException(501, "not_implemented", what + " is not available in this version; "
                + "start the migration with 'shardshift migrate --spec' and use POST /v1/cutover");
    }

    private void requireMigration(String id, String field) {
        if (!migration.equals(id)) {
            throw ApiException.notFound("no migration with " + field + " '" + id + "'; this migrator runs '" + migration + "'");
        }
    }

    private ApiResponse answer(CutoverResult result) {
        synchronized (history) {
            history.add(new Event(System.currentTimeMillis(), result.kind(), result.completed() ? "completed" : "failed",
                    result.completed() ? "generation " + result.toGeneration()
                            : "at " + result.failedStep() + ": " + result.reason()));
        }
        if (!result.completed()) {
            throw ApiException.conflict(result.kind() + " " + result.id() + " aborted at step " + result.failedStep()
                    + ": " + result.reason() + "; generation " + result.fromGeneration() + " stays live");
        }
        return ApiResponse.json(result);
    }

    @Override
    public State state() {
        List<Gate> gates = controller.lastResult().map(r -> r.gates().stream()
                .map(g -> new Gate(g.gate(), g.passed(), g.detail())).toList()).orElse(List.of());
        List<Event> events;
        synchronized (history) {
            events = List.copyOf(history);
        }
        String phase = controller.lastResult().map(r -> r.completed()
                ? ("rollback".equals(r.kind()) ? "rolled-back" : "cut-over") : "not-ready").orElse("ready");
        return new State(phase, gates, events);
    }
}
