package io.shardshift.plan.gather;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures a SolrCloud collection through Solr's HTTP APIs: the nodes of its replicas from the Collections
 * API ({@code CLUSTERSTATUS}), then from each node's Metrics API, at both ends of the window, every core's
 * {@code /select} request counters (their growth gives queries per second, see {@link SolrMetrics}),
 * {@code SEARCHER.searcher.numDocs} and the {@code CACHE.searcher.filterCache} hit ratio. Solr must collect
 * metrics ({@code <metrics enabled="true">}, the default outside Solr's test framework).
 */
public final class SolrLoadGatherer {
    private static final Logger LOG = LoggerFactory.getLogger(SolrLoadGatherer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String baseUrl;
    private final Duration timeout;
    private final Map<String, String> coreNodes = new LinkedHashMap<>();

    /**
     * @param baseUrl a Solr node's base URL, e.g. {@code http://solr1:8983/solr}
     * @param timeout the longest one HTTP call may take
     */
    public SolrLoadGatherer(String baseUrl, Duration timeout) {
        if (baseUrl == null || !baseUrl.matches("https?://.+")) {
            throw new IllegalArgumentException("solr url '" + baseUrl + "' must be http(s)://host:port/solr");
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * Watches {@code name} for {@code window} and returns its load per core.
     *
     * @param name a collection, or an alias of one collection
     */
    public SolrLoad gather(String name, Duration window) throws IOException, InterruptedException {
        JsonNode state = collectionState(name);
        String collection = state.path("name").asText();
        Set<String> nodes = new LinkedHashSet<>();
        state.path("shards").forEach(shard -> shard.path("replicas").forEach(r -> nodes.add(r.path("base_url").asText())));
        nodes.remove("");
        Map<String, SolrMetrics.Sample> before = sample(nodes, collection);
        long startNanos = System.nanoTime();
        LOG.info("Watching {} core(s) of Solr collection {} for {} s", before.size(), collection, window.toSeconds());
        Thread.sleep(window.toMillis());
        Map<String, SolrMetrics.Sample> after = sample(nodes, collection);
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        List<SolrCoreLoad> cores = new ArrayList<>();
        for (Map.Entry<String, SolrMetrics.Sample> e : after.entrySet()) {
            SolrMetrics.Sample end = e.getValue();
            SolrMetrics.Sample start = before.get(e.getKey());
            long requests = start == null ? 0 : Math.max(0, end.requests() - start.requests());
            cores.add(new SolrCoreLoad(end.shard(), end.replica(), nodeOf(e.getKey()), end.docs(), requests / seconds,
                    end.hitRatio(), end.lookups()));
        }
        return new SolrLoad(collection, cores);
    }

    private String nodeOf(String core) {
        return coreNodes.getOrDefault(core, "");
    }

    /** The collection's state from CLUSTERSTATUS, with its real name added as {@code name}. */
    private JsonNode collectionState(String name) throws IOException, InterruptedException {
        JsonNode status = get(baseUrl + "/admin/collections?action=CLUSTERSTATUS&wt=json&collection="
                + URLEncoder.encode(name, StandardCharsets.UTF_8), "collection '" + name + "'");
        JsonNode collections = status.path("cluster").path("collections");
        String real = collections.has(name) ? name : collections.size() == 1 ? collections.fieldNames().next() : null;
        JsonNode state = real == null ? null : collections.get(real);
        if (state == null || state.path("shards").isEmpty()) {
            throw new IllegalArgumentException("solr collection '" + name + "' not found at " + baseUrl);
        }
        return ((ObjectNode) state.deepCopy()).put("name", real);
    }

    private Map<String, SolrMetrics.Sample> sample(Set<String> nodes, String collection)
            throws IOException, InterruptedException {
        Map<String, SolrMetrics.Sample> all = new LinkedHashMap<>();
        for (String node : nodes) {
            String url = node + "/admin/metrics?group=core&wt=json&prefix="
                    + URLEncoder.encode(String.join(",", SolrMetrics.REQUESTS, SolrMetrics.SHARD_REQUESTS,
                    SolrMetrics.NUM_DOCS, SolrMetrics.FILTER_CACHE), StandardCharsets.UTF_8);
            Map<String, SolrMetrics.Sample> samples = SolrMetrics.parse(get(url, "metrics of " + node), collection);
            samples.keySet().forEach(core -> coreNodes.put(core, node));
            all.putAll(samples);
        }
        return all;
    }

    private JsonNode get(String url, String what) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            String body = response.body();
            throw new IOException("solr: reading " + what + " failed with HTTP " + response.statusCode() + ": "
                    + body.substring(0, Math.min(300, body.length())));
        }
        return JSON.readTree(response.body());
    }
}
