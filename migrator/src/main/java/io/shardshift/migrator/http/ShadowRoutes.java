package io.shardshift.migrator.http;

import io.shardshift.client.shadow.ShadowRecord;
import io.shardshift.core.spec.Durations;
import io.shardshift.core.spec.SpecDefaults;
import io.shardshift.core.spec.SpecException;
import io.shardshift.cutover.ShadowAgreement;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shadow reads' route (token required): {@code GET /v1/shadow/mismatches[?window=10m&limit=20]} answers the
 * counts of the window (default 10m) and the latest disagreeing reads with both answers, newest first:
 *
 * <pre>{@code
 * {"window":"PT10M","reads":120,"agree":119,"mismatch":1,"error":0,"explainedByLag":0,"mismatchRate":0.0083,
 *  "malformed":0,"mismatches":[{"readId":"..","kind":"rows","table":"public.orders","query":"id=42",
 *  "outcome":"mismatch","detail":"row 1 differs: ..","oldAnswer":"[..]","newAnswer":"[..]",..}]}
 * }</pre>
 */
public final class ShadowRoutes {
    private ShadowRoutes() {
    }

    /** Adds the route to {@code api}. */
    public static void register(HttpApi api, ShadowAgreement agreement) {
        api.route("GET", "/v1/shadow/mismatches", request -> {
            Duration window;
            try {
                window = Durations.parse(request.param("window").orElse(null), "window", SpecDefaults.SHADOW_WINDOW);
            } catch (SpecException e) {
                throw ApiException.badRequest("query parameter 'window': " + e.getMessage());
            }
            long limit = request.longParam("limit", 20);
            if (limit < 1 || limit > ShadowAgreement.KEPT_MISMATCHES) {
                throw ApiException.badRequest("query parameter 'limit' must be between 1 and "
                        + ShadowAgreement.KEPT_MISMATCHES + ", was " + limit);
            }
            return ApiResponse.json(body(agreement, window, (int) limit));
        });
    }

    static Map<String, Object> body(ShadowAgreement agreement, Duration window, int limit) {
        ShadowAgreement.Counts c = agreement.counts(window);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("window", window.toString());
        out.put("reads", c.reads());
        out.put("agree", c.agree());
        out.put("mismatch", c.mismatch());
        out.put("error", c.error());
        out.put("explainedByLag", c.explainedByLag());
        out.put("mismatchRate", c.mismatchRate());
        out.put("malformed", agreement.malformedCount());
        List<ShadowRecord> all = agreement.mismatches();
        out.put("mismatches", all.subList(0, Math.min(limit, all.size())));
        return out;
    }
}
