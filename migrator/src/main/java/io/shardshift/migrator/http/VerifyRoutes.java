package io.shardshift.migrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardshift.verify.VerifyOptions;
import io.shardshift.verify.VerifyReport;
import io.shardshift.verify.VerifyRuns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The verification panel's routes: {@code GET /v1/verify} answers the last verify report with its times
 * (or {@code "last": null}) and whether a run is going on; {@code POST /v1/verify} (token required) starts
 * a verify in the background and answers 202, or 409 while one is still running. Query parameters of the
 * POST: {@code repair=true} to repair what differs, {@code tenant=<value>} to verify one tenant's rows.
 *
 * <pre>{@code
 * {"running": false, "last": {"startedAt": "2026-...Z", "finishedAt": "2026-...Z", "repair": false, "by": "cutover gate",
 *  "report": {... VerifyReport#toJson() ...}}, "error": null}
 * }</pre>
 */
public final class VerifyRoutes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VerifyRoutes.class);

    /** Runs one verify (e.g. {@code Verifier.inProcess(runner)::verify}). */
    @FunctionalInterface
    public interface VerifyRun {
        VerifyReport verify(VerifyOptions options) throws Exception;
    }

    private final VerifyRun run;
    private final VerifyOptions defaults;
    private final AtomicBoolean running = new AtomicBoolean();
    private final ExecutorService executor;
    private final VerifyRuns runs;
    private volatile String error;

    private VerifyRoutes(VerifyRun run, VerifyOptions defaults, VerifyRuns runs) {
        this.run = run;
        this.runs = runs;
        this.defaults = defaults;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "shardshift-http-verify");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Adds the routes to the API.
     *
     * @param defaults the options of every run, before the POST's parameters
     */
    public static VerifyRoutes register(HttpApi api, VerifyRun run, VerifyOptions defaults) {
        return register(api, run, defaults, new VerifyRuns());
    }

    /**
     * Adds the routes to the API; {@code GET /v1/verify} answers the last run recorded in {@code runs}, which
     * others (the cutover's verification gate) record in too.
     */
    public static VerifyRoutes register(HttpApi api, VerifyRun run, VerifyOptions defaults, VerifyRuns runs) {
        VerifyRoutes routes = new VerifyRoutes(run, defaults, runs);
        api.route("GET", "/v1/verify", request -> ApiResponse.json(routes.state()));
        api.route("POST", "/v1/verify", request -> {
            boolean repair = request.param("repair").map(Boolean::parseBoolean).orElse(false);
            VerifyOptions opts = routes.defaults.withRepair(repair).withTenant(request.param("tenant").filter(t -> !t.isBlank()).orElse(null));
            if (!routes.start(opts)) {
                throw ApiException.conflict("a verify is already running; GET /v1/verify shows when it ends");
            }
            ObjectNode body = Json.MAPPER.createObjectNode().put("accepted", true).put("running", true).put("repair", repair);
            return ApiResponse.json(202, body);
        });
        return routes;
    }

    /** Whether a verify is running now. */
    public boolean running() {
        return running.get();
    }

    private boolean start(VerifyOptions opts) {
        if (!running.compareAndSet(false, true)) {
            return false;
        }
        try {
            executor.execute(() -> runOnce(opts));
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
        return true;
    }

    private void runOnce(VerifyOptions opts) {
        Instant started = Instant.now();
        try {
            VerifyReport report = run.verify(opts);
            runs.record(new VerifyRuns.Run(started, Instant.now(), opts.repair(), VerifyRuns.By.API, report));
            error = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "the verify started at " + started + " was interrupted";
        } catch (Exception e) {
            LOG.warn("verify started from the dashboard failed: {}", e.toString());
            error = "the verify started at " + started + " failed: " + e.getMessage();
        } finally {
            running.set(false);
        }
    }

    private ObjectNode state() throws IOException {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("running", running.get());
        VerifyRuns.Run l = runs.last().orElse(null);
        if (l == null) {
            out.putNull("last");
        } else {
            ObjectNode n = out.putObject("last");
            n.put("startedAt", l.startedAt().toString());
            n.put("finishedAt", l.finishedAt().toString());
            n.put("repair", l.repair());
            n.put("by", l.by().text());
            JsonNode report = Json.MAPPER.readTree(l.report().toJson());
            n.set("report", report);
        }
        out.put("error", error);
        return out;
    }

    /** Stops a running verify's thread. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
