package io.shardshift.migrator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The CLI's side of the migrator's HTTP API: sends one call with the bearer token and prints the JSON answer. */
final class ApiClient {
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ApiClient(String url, String token) {
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.token = token;
    }

    /**
     * Sends the call; prints the body to {@code out} on success, to {@code err} otherwise.
     *
     * @return 0 for a 2xx answer, 1 for a refused action (409, 501), 2 for bad input or an unreachable API
     */
    int call(String method, String path, String jsonBody, PrintWriter out, PrintWriter err) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(Duration.ofMinutes(5)).header("Accept", "application/json");
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token);
        }
        if ("POST".equals(method)) {
            b.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(jsonBody == null ? "{}" : jsonBody));
        } else {
            b.GET();
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 == 2) {
                out.println(r.body());
                return 0;
            }
            err.println("shardshift: " + method + " " + path + " answered " + r.statusCode() + ": " + r.body());
            return r.statusCode() == 409 || r.statusCode() == 501 ? 1 : 2;
        } catch (IOException e) {
            err.println("shardshift: cannot reach the migrator API at " + base + ": " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("shardshift: interrupted");
            return 2;
        }
    }

    /** A JSON string literal. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }
}
