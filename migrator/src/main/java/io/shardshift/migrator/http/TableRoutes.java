package io.shardshift.migrator.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.shardshift.core.event.TableId;
import io.shardshift.core.sink.SinkException;
import io.shardshift.engine.run.MigrationRunner;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/tables/resume {"table":"public.orders"}} (token required): resumes a table paused by a
 * source schema change once the operator applied the same DDL to every target. The targets' columns are
 * checked first; {@code 409} names what still differs and the table stays paused.
 */
public final class TableRoutes {
    private TableRoutes() {
    }

    /** Body of {@code POST /v1/tables/resume}. */
    public record ResumeRequest(@JsonProperty(value = "table", required = true) String table) {
    }

    /** Adds the route to the API. */
    public static void register(HttpApi api, MigrationRunner runner) {
        api.route("POST", "/v1/tables/resume", request -> {
            TableId table;
            try {
                table = TableId.parse(request.body(ResumeRequest.class).table());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("'table' must be schema.table: " + e.getMessage());
            }
            try {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("table", table.toString());
                out.put("state", "resumed");
                out.put("detail", runner.resumeTable(table));
                return ApiResponse.json(out);
            } catch (IllegalStateException | SinkException e) {
                throw ApiException.conflict(e.getMessage());
            }
        });
    }
}
