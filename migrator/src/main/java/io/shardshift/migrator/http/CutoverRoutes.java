package io.shardshift.migrator.http;

import io.shardshift.cutover.CutoverController;
import io.shardshift.cutover.CutoverResult;
import io.shardshift.cutover.Gate;
import io.shardshift.cutover.SwitchKind;
import io.shardshift.rebalance.RebalancePhase;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cutover of one migration on its {@link HttpApi} (registered by {@link CutoverService#attach} on the
 * migration's dashboard server):
 * <ul>
 *   <li>{@code POST /v1/cutover} and {@code POST /v1/rebalance/cutover {id}} run a cutover now ({@code 200} with
 *       the result, {@code 409} if it aborted); {@code POST /v1/rebalance/rollback {id, reason}} rolls back;</li>
 *   <li>{@code GET /v1/rebalance/status?id=} the live generation, the last cutover or rollback and the observation
 *       window ({@code active}, {@code windowEnd}, {@code reverseLag}, and {@code problem}: why reverse replication
 *       or closing the window is held up, or null);</li>
 *   <li>the {@link CutoverView} of the dashboard's {@code GET /v1/cutover} (gates and history, whichever route
 *       ran the cutover or rollback).</li>
 * </ul>
 * {@code shardshift migrate} and {@code shardshift serve} then register
 * {@code io.shardshift.migrator.http.RebalanceRoutes}, which take over every {@code /v1/rebalance/...}
 * path for all rebalances (this migration included) and start tenant rehomes and search rebalances. Without
 * them, {@code db/rehome} and {@code search/start} answer 501; {@code POST /v1/rebalance/stream/expand} is
 * {@link #streamExpand}: it checks its input, then answers 501 the same way.
 */
public final class CutoverRoutes implements CutoverView {
    private final String migration;
    private final CutoverController controller;
    private final List<Event> history = new ArrayList<>();
    private CutoverResult recorded;

    /** @param migration the migration's name */
    public CutoverRoutes(String migration, CutoverController controller) {
        this.migration = migration;
        this.controller = controller;
    }

    /** Adds the routes to {@code api}. */
    public CutoverRoutes register(HttpApi api) {
        api.route("POST", "/v1/cutover", r -> answer(controller.cutover()));
        api.route("POST", "/v1/rebalance/cutover", this::cutover);
        api.route("POST", "/v1/rebalance/rollback", this::rollback);
        api.route("GET", "/v1/rebalance/status", this::status);
        api.route("POST", "/v1/rebalance/search/start", r -> notHere("search/start"));
        api.route("POST", "/v1/rebalance/db/rehome", r -> notHere("db/rehome"));
        api.route("POST", "/v1/rebalance/stream/expand", CutoverRoutes::streamExpand);
        return this;
    }

    /** Body of {@code POST /v1/rebalance/cutover}. */
    public record CutoverRequest(@JsonProperty(value = "id", required = true) String id) {
    }

    /** Body of {@code POST /v1/rebalance/rollback}. */
    public record RollbackRequest(@JsonProperty(value = "id", required = true) String id,
                                  @JsonProperty("reason") String reason) {
    }

    private ApiResponse cutover(ApiRequest request) {
        requireMigration(request.body(CutoverRequest.class).id());
        return answer(controller.cutover());
    }

    private ApiResponse rollback(ApiRequest request) {
        RollbackRequest body = request.body(RollbackRequest.class);
        requireMigration(body.id());
        return answer(controller.rollback(body.reason() == null ? "operator rollback" : body.reason()));
    }

    private ApiResponse status(ApiRequest request) {
        String id = request.param("id").orElseThrow(() -> ApiException.badRequest("query parameter 'id' is required"));
        requireMigration(id);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", migration);
        out.put("liveGeneration", controller.liveGeneration());
        out.put("last", controller.lastResult().orElse(null));
        out.put("observation", controller.observation());
        return ApiResponse.json(out);
    }

    private void requireMigration(String id) {
        if (!migration.equals(id)) {
            throw ApiException.notFound("no migration with id '" + id + "'; this migrator runs '" + migration + "'");
        }
    }

    private static ApiResponse notHere(String call) {
        throw new ApiException(501, "not_implemented", call + " needs the rebalance registry: start the migrator"
                + " with 'shardshift serve --spec' or 'shardshift migrate --spec'");
    }

    /** The migration's name. */
    public String migration() {
        return migration;
    }

    /** Body of {@code POST /v1/rebalance/stream/expand}. */
    public record ExpandRequest(@JsonProperty(value = "topic", required = true) String topic,
                                @JsonProperty(value = "new_partitions", required = true) Integer newPartitions) {
    }

    /** {@code POST /v1/rebalance/stream/expand} without the registry: 400 for bad input, else 501 naming what to start. */
    public static ApiResponse streamExpand(ApiRequest request) {
        ExpandRequest body = request.body(ExpandRequest.class);
        if (body.newPartitions() < 1) {
            throw ApiException.badRequest("'new_partitions' must be at least 1, was " + body.newPartitions());
        }
        throw new ApiException(501, "not_implemented", "expanding topic " + body.topic() + " needs the rebalance registry:"
                + " start the migrator with 'shardshift serve --spec' or 'shardshift migrate --spec'");
    }

    private ApiResponse answer(CutoverResult result) {
        record(Optional.of(result));
        if (!result.completed()) {
            throw ApiException.conflict(result.kind() + " " + result.id() + " aborted at step " + result.failedStep()
                    + ": " + result.reason() + "; generation " + result.fromGeneration() + " stays live");
        }
        return ApiResponse.json(result);
    }

    /** Adds a result to the history once, whichever route ran it. */
    private void record(Optional<CutoverResult> last) {
        synchronized (history) {
            if (last.isEmpty() || last.get() == recorded) {
                return;
            }
            CutoverResult result = last.get();
            recorded = result;
            history.add(new Event(System.currentTimeMillis(), result.kind(), result.completed() ? "completed" : "failed",
                    result.completed() ? "generation " + result.toGeneration()
                            : "at " + result.failedStep() + ": " + result.reason()));
        }
    }

    @Override
    public State state() {
        Optional<CutoverResult> last = controller.lastResult();
        record(last);
        List<Gate> gates = last.map(r -> r.gates().stream()
                .map(g -> new Gate(g.gate(), g.passed(), g.detail())).toList()).orElse(List.of());
        List<Event> events;
        synchronized (history) {
            events = List.copyOf(history);
        }
        String phase = last.map(r -> r.completed() ? RebalancePhase.after(r.kind()).wireName() : "not-ready")
                .orElse("ready");
        return new State(phase, gates, events, summary(last, controller.liveGeneration(), controller.observation()));
    }

    /**
     * The header's words after a switch: {@code cut over to generation G, observation window until T} while the
     * window is open, {@code cut over to generation G, observation window closed at T} after it, {@code rolled back
     * to generation G} after a rollback; {@code null} before any switch (a controller started after an earlier
     * cutover still says so while that window is open).
     */
    static String summary(Optional<CutoverResult> last, long live, CutoverController.ObservationStatus observation) {
        if (last.isPresent() && last.get().completed() && last.get().kind() == SwitchKind.ROLLBACK) {
            return "rolled back to generation " + live;
        }
        boolean cutOver = last.isPresent() && last.get().completed() && last.get().kind() == SwitchKind.CUTOVER;
        if (observation.active() && observation.windowEnd() != null) {
            return "cut over to generation " + live + ", observation window until " + observation.windowEnd();
        }
        if (cutOver) {
            return "cut over to generation " + live + (observation.windowEnd() == null ? ""
                    : ", observation window closed at " + observation.windowEnd());
        }
        return null;
    }
}
