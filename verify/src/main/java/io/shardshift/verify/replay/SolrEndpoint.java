package io.shardshift.verify.replay;

/**
 * Where a replayed select goes: a Solr base URL and a collection (or alias).
 *
 * @param baseUrl    e.g. {@code http://solr:8983/solr}
 * @param collection the collection, or null for "the collection the log line names"
 */
public record SolrEndpoint(String baseUrl, String collection) {

    /**
     * Reads {@code --old}/{@code --new}: a URL with the collection as its last segment
     * ({@code http://solr:8983/solr/orders_v3}), or a collection name on {@code defaultBase}.
     *
     * @throws IllegalArgumentException naming {@code option} when neither works
     */
    public static SolrEndpoint parse(String option, String value, String defaultBase) {
        if (value == null || value.isBlank()) {
            if (defaultBase == null) {
                throw new IllegalArgumentException(option + ": give a collection URL, or --solr and the log's collections");
            }
            return new SolrEndpoint(trim(defaultBase), null);
        }
        if (value.startsWith("http://") || value.startsWith("https://")) {
            String v = trim(value);
            int slash = v.lastIndexOf('/');
            if (slash <= v.indexOf("//") + 1) {
                throw new IllegalArgumentException(option + ": '" + value + "' names no collection (expected e.g."
                        + " http://solr:8983/solr/orders_v3)");
            }
            return new SolrEndpoint(v.substring(0, slash), v.substring(slash + 1));
        }
        if (defaultBase == null) {
            throw new IllegalArgumentException(option + ": '" + value + "' is a collection name; give --solr URL too,"
                    + " or a full URL");
        }
        return new SolrEndpoint(trim(defaultBase), value);
    }

    /** The collection to query for a select logged against {@code logged}. */
    public String collectionFor(String logged) {
        return collection != null ? collection : logged;
    }

    private static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
