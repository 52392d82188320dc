package io.shardshift.migrator.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A request to a route of {@link HttpApi}.
 *
 * @param method the HTTP method
 * @param path   the path, without the query
 * @param query  the query parameters (the first value of each)
 * @param body   the request body, empty if none
 */
public record ApiRequest(String method, String path, Map<String, String> query, byte[] body) {

    /** Parses a raw query string such as {@code id=demo&since=0}. */
    public static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(name, value);
        }
        return out;
    }

    /** A query parameter, if present. */
    public Optional<String> param(String name) {
        return Optional.ofNullable(query.get(name));
    }

    /** A query parameter as a number; a 400 naming the parameter if it is not one. */
    public long longParam(String name, long defaultValue) {
        String value = query.get(name);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("query parameter '" + name + "' must be a whole number, was '" + value + "'");
        }
    }

    /**
     * The body read as JSON into the given type (a record, say). Unknown fields, wrong types and missing
     * required fields are a 400 whose reason names the field.
     */
    public <T> T body(Class<T> type) {
        return Json.read(body, type);
    }
}
