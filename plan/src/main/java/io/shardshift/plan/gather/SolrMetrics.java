package io.shardshift.plan.gather;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the per-core numbers the planner needs from a Solr {@code /admin/metrics?group=core} response.
 * A core of collection {@code c} lives in registry {@code solr.core.c.<shard>.<replica>}. Counters and
 * gauges come as plain numbers in the compact form (Solr 9's default) or as objects with {@code count} or
 * {@code value}. A core's requests are the {@code /select} requests it served: top-level ones
 * ({@code QUERY./select.requests}, which include a routed query answered by the core alone) plus the
 * sub-requests of distributed queries ({@code QUERY./select[shard].requests}, Solr 9.x).
 */
final class SolrMetrics {
    static final String REQUESTS = "QUERY./select.requests";
    static final String SHARD_REQUESTS = "QUERY./select[shard].requests";
    static final String NUM_DOCS = "SEARCHER.searcher.numDocs";
    static final String FILTER_CACHE = "CACHE.searcher.filterCache";

    /** One core's numbers at one moment. */
    record Sample(String shard, String replica, long requests, long docs, double hitRatio, long lookups) {
    }

    private SolrMetrics() {
    }

    /** The samples of the collection's cores in a metrics response, keyed by {@code shard.replica}. */
    static Map<String, Sample> parse(JsonNode response, String collection) {
        if (response.has("error") && !response.has("metrics")) {
            throw new IllegalStateException("solr metrics: " + response.path("error").asText());
        }
        Map<String, Sample> samples = new LinkedHashMap<>();
        String prefix = "solr.core." + collection + ".";
        JsonNode metrics = response.path("metrics");
        metrics.fieldNames().forEachRemaining(registry -> {
            if (!registry.startsWith(prefix)) {
                return;
            }
            String rest = registry.substring(prefix.length());
            int dot = rest.indexOf('.');
            if (dot <= 0) {
                return;
            }
            JsonNode core = metrics.get(registry);
            JsonNode cache = core.path(FILTER_CACHE);
            long requests = number(core.path(REQUESTS), "count") + number(core.path(SHARD_REQUESTS), "count");
            samples.put(rest, new Sample(rest.substring(0, dot), rest.substring(dot + 1), requests,
                    number(core.path(NUM_DOCS), "value"), cache.path("hitratio").asDouble(0),
                    cache.path("lookups").asLong(0)));
        });
        return samples;
    }

    private static long number(JsonNode node, String field) {
        if (node.isNumber()) {
            return node.asLong();
        }
        return node.path(field).asLong(0);
    }
}
