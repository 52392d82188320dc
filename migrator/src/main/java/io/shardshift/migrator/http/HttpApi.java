package io.shardshift.migrator.http;

import io.shardshift.core.spec.Secrets;
import io.shardshift.rebalance.RebalanceException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The migrator's HTTP server (the JDK's {@code com.sun.net.httpserver}): a small registry of routes, each
 * an exact method and path. Every route needs {@code Authorization: Bearer <token>} (it changes something or
 * answers data) unless added with {@link #openRoute}, which is only for what holds no data: the dashboard's
 * static files and the liveness probe {@code GET /healthz}. Every request's {@code Host} header must name
 * this server ({@link HostCheck}: DNS rebinding). Every error is JSON
 * {@code {"error": "...", "reason": "..."}}: 421 for a Host this server does not answer to, 401 for a missing
 * or wrong token, 404 for an unknown path, 405 for a known path with another method, 400 for bad input, 413
 * for a body over 1 MiB, 500 otherwise.
 *
 * <pre>{@code
 * HttpApi api = HttpApi.create("127.0.0.1", 8080, ApiToken.of(token), Set.of());
 * api.route("GET", "/v1/rebalance/status", request -> ApiResponse.json(status()));
 * api.route("POST", "/v1/rebalance/cutover", request -> cutover(request.body(CutoverRequest.class)));
 * api.openRoute("GET", "/dashboard.js", request -> resource("dashboard.js"));
 * api.start();
 * }</pre>
 * Routes may be added before or after {@link #start()}.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final int MAX_BODY = 1 << 20;

    private record Route(ApiHandler handler, boolean open) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final ApiToken token;
    private final HostCheck hostCheck;
    private final Map<String, Map<String, Route>> routes = new ConcurrentHashMap<>();

    private HttpApi(HttpServer server, ApiToken token, HostCheck hostCheck) {
        this.server = server;
        this.token = token;
        this.hostCheck = hostCheck;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "shardshift-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
    }

    /** Binds a server (not started yet) that answers to no further host names; see {@link #create(String, int, ApiToken, Collection)}. */
    public static HttpApi create(String host, int port, ApiToken token) {
        return create(host, port, token, Set.of());
    }

    /**
     * Binds a server (not started yet).
     *
     * @param host         the address to listen on, e.g. {@code 127.0.0.1} (the default: local calls only)
     * @param port         the port; 0 for any free port
     * @param allowedHosts further names clients may put in the {@code Host} header (e.g. {@code migrator})
     */
    public static HttpApi create(String host, int port, ApiToken token, Collection<String> allowedHosts) {
        try {
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                throw new IllegalStateException("cannot listen on " + host + ":" + port + ": unknown host");
            }
            HostCheck check = HostCheck.forBind(address.getAddress(), allowedHosts);
            return new HttpApi(HttpServer.create(address, 0), token, check);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adds (or replaces) a route that needs the bearer token: every route that changes something or answers data.
     *
     * @param method e.g. {@code GET} or {@code POST}
     * @param path   the exact path, e.g. {@code /v1/rebalance/status}
     */
    public HttpApi route(String method, String path, ApiHandler handler) {
        return add(method, path, new Route(handler, false));
    }

    /**
     * Adds (or replaces) a route answered without the token: only for what holds no data (the dashboard's
     * static files, a bare liveness probe).
     */
    public HttpApi openRoute(String method, String path, ApiHandler handler) {
        return add(method, path, new Route(handler, true));
    }

    private HttpApi add(String method, String path, Route route) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a route's path must start with '/', was '" + path + "'");
        }
        routes.computeIfAbsent(path, p -> new ConcurrentHashMap<>()).put(method.toUpperCase(), route);
        return this;
    }

    /** Starts answering. */
    public HttpApi start() {
        server.start();
        LOG.info("HTTP API listening on {}", url());
        return this;
    }

    /** The port listened on (the chosen one when created with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080/}. */
    public URI url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/");
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase();
        String path = exchange.getRequestURI().getPath();
        ApiResponse response;
        try {
            response = answer(exchange, method, path);
        } catch (ApiException e) {
            response = ApiResponse.error(e);
        } catch (RebalanceException e) {
            response = ApiResponse.error(ApiException.of(e));
        } catch (Exception e) {
            LOG.warn("{} {} failed: {}", method, path, Secrets.maskCredentials(String.valueOf(e)));
            LOG.debug("{} {} failed", method, path, e);
            response = ApiResponse.error(new ApiException(500, "internal", method + " " + path + " failed: "
                    + e.getClass().getSimpleName() + ": " + Secrets.maskCredentials(e.getMessage())));
        }
        send(exchange, response);
    }

    private ApiResponse answer(HttpExchange exchange, String method, String path) throws Exception {
        checkHost(exchange);
        Map<String, Route> byMethod = routes.get(path);
        if (byMethod == null) {
            throw ApiException.notFound("no route " + path);
        }
        Route route = byMethod.get(method);
        if (route == null) {
            Set<String> allowed = new TreeSet<>(byMethod.keySet());
            exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
            throw new ApiException(405, "method_not_allowed", method + " is not allowed on " + path + "; use " + allowed);
        }
        if (!route.open()) {
            checkToken(exchange);
        }
        byte[] body = readBody(exchange);
        ApiRequest request = new ApiRequest(method, path, ApiRequest.parseQuery(exchange.getRequestURI().getRawQuery()), body);
        return route.handler().handle(request);
    }

    private void checkToken(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw ApiException.unauthorized("this call needs the API token: send 'Authorization: Bearer <token>'");
        }
        if (!token.matches(header.substring(7).strip())) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            throw ApiException.unauthorized("the bearer token is wrong");
        }
    }

    private void checkHost(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (!hostCheck.allows(host)) {
            throw new ApiException(421, "misdirected_request", "this migrator does not answer to Host '"
                    + (host == null ? "" : host) + "' (it answers to " + hostCheck.names()
                    + "); to reach it by that name, start it with --allowed-host <name>");
        }
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new ApiException(413, "payload_too_large", "the request body is over " + MAX_BODY + " bytes");
            }
            return body;
        }
    }

    private static void send(HttpExchange exchange, ApiResponse response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
        exchange.sendResponseHeaders(response.status(), head || response.body().length == 0 ? -1 : response.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(response.body());
            }
        }
    }

    /** Stops answering (at once; in-flight answers are cut). */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
