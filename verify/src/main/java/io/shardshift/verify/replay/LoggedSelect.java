package io.shardshift.verify.replay;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One select read from a Solr log line. Two forms are read:
 * <ul>
 *   <li>Solr's request log ({@code o.a.s.c.S.Request}):
 *       {@code ... [c:orders s:shard1 r:core_node2 x:orders_shard1_replica_n1] o.a.s.c.S.Request webapp=/solr
 *       path=/select params={q=status:open&rows=10} hits=12 status=0 QTime=3} (the collection from {@code c:}, or
 *       from the core name {@code [orders_shard1_replica_n1]}); per-shard sub-requests ({@code isShard=true} or
 *       {@code distrib=false}) and failed requests (status not 0) are skipped;</li>
 *   <li>the Jetty request log: {@code ... "GET /solr/orders/select?q=status:open&rows=10 HTTP/1.1" 200 ...}
 *       (status 200 only).</li>
 * </ul>
 *
 * @param collection the collection (or alias) the select was sent to
 * @param params     the decoded parameters in order, repeated names kept
 * @param line       the line's number in the file, from 1
 */
public record LoggedSelect(String collection, List<Map.Entry<String, String>> params, long line) {
    private static final Pattern SOLR = Pattern.compile(
            "path=/select params=\\{(.*)\\}(?:\\s+hits=\\d+)?\\s+status=(-?\\d+)");
    private static final Pattern COLLECTION = Pattern.compile("\\[c:([^\\s\\]]+)");
    private static final Pattern CORE = Pattern.compile("\\[(?:x:)?([A-Za-z0-9_.-]+?)_shard\\d+_replica_[a-z]+\\d+[\\s\\]]");
    private static final Pattern JETTY = Pattern.compile("\"GET /solr/([^/?\\s]+)/select\\?(\\S*) HTTP/[0-9.]+\" (\\d{3})");

    public LoggedSelect {
        params = List.copyOf(params);
    }

    /** The select of a line, or empty when the line holds no top-level, successful select. */
    public static Optional<LoggedSelect> parse(String text, long line) {
        Matcher j = JETTY.matcher(text);
        if (j.find()) {
            return j.group(3).equals("200") ? Optional.of(new LoggedSelect(decode(j.group(1)), params(j.group(2)), line))
                    : Optional.empty();
        }
        Matcher s = SOLR.matcher(text);
        if (!s.find() || !s.group(2).equals("0")) {
            return Optional.empty();
        }
        List<Map.Entry<String, String>> params = params(s.group(1));
        boolean subRequest = params.stream().anyMatch(e -> (e.getKey().equals("isShard") && e.getValue().equals("true"))
                || (e.getKey().equals("distrib") && e.getValue().equals("false")));
        if (subRequest) {
            return Optional.empty();
        }
        Matcher c = COLLECTION.matcher(text);
        if (c.find()) {
            return Optional.of(new LoggedSelect(c.group(1), params, line));
        }
        Matcher core = CORE.matcher(text);
        return core.find() ? Optional.of(new LoggedSelect(core.group(1), params, line)) : Optional.empty();
    }

    /** The value of a parameter (the first, when repeated). */
    public Optional<String> param(String name) {
        return params.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst();
    }

    /** The parameters as a query string, for records and messages. */
    public String queryText() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : params) {
            if (!b.isEmpty()) {
                b.append('&');
            }
            b.append(e.getKey()).append('=').append(e.getValue());
        }
        return b.toString();
    }

    private static List<Map.Entry<String, String>> params(String query) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.add(Map.entry(k, v));
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
