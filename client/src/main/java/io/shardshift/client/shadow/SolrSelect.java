package io.shardshift.client.shadow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.client.shadow.Answers.SearchAnswer;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Solr select over plain HTTP ({@code java.net.http}, no SolrJ): {@code GET <baseUrl>/<collection>/select?...}
 * with {@code wt=json}, answering numFound and the returned ids in order.
 *
 * <pre>{@code
 * SearchAnswer a = new SolrSelect("http://solr:8983/solr", "id").select("orders_v2", Map.of("q", "status:open", "rows", "10"));
 * }</pre>
 */
public final class SolrSelect {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String idField;

    /**
     * @param baseUrl the Solr base URL, e.g. {@code http://solr:8983/solr}
     * @param idField the unique key field, usually {@code id}
     */
    public SolrSelect(String baseUrl, String idField) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.idField = idField;
    }

    /** Runs the select with these parameters ({@code wt} and {@code fl} are set here). */
    public SearchAnswer select(String collection, Map<String, String> params) throws IOException, InterruptedException {
        return select(collection, List.copyOf(params.entrySet()));
    }

    /**
     * Runs the select with these parameters, repeated names kept in order (several {@code fq}); {@code wt} and
     * {@code fl} are replaced.
     */
    public SearchAnswer select(String collection, List<Map.Entry<String, String>> params)
            throws IOException, InterruptedException {
        List<Map.Entry<String, String>> p = new ArrayList<>();
        params.stream().filter(e -> !e.getKey().equals("wt") && !e.getKey().equals("fl")).forEach(p::add);
        p.add(Map.entry("wt", "json"));
        p.add(Map.entry("fl", idField));
        String query = p.stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        HttpResponse<String> resp = get(baseUrl + "/" + enc(collection) + "/select?" + query);
        JsonNode response = JSON.readTree(resp.body()).path("response");
        if (response.isMissingNode()) {
            throw new IOException("Solr select on " + collection + " answered without a response section");
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode doc : response.path("docs")) {
            ids.add(doc.path(idField).asText());
        }
        return new SearchAnswer(response.path("numFound").asLong(), ids);
    }

    /** Opens a new searcher on the collection (a soft commit), so every update it has received is visible. */
    public void softCommit(String collection) throws IOException, InterruptedException {
        get(baseUrl + "/" + enc(collection) + "/update?commit=true&softCommit=true&wt=json");
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            throw new IOException("Solr answered " + resp.statusCode() + " to " + url.substring(0, url.indexOf('?') < 0
                    ? url.length() : url.indexOf('?')) + ": " + ShadowRecord.truncate(resp.body(), 300));
        }
        return resp;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
