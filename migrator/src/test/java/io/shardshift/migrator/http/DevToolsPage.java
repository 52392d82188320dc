package io.shardshift.migrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;

import static org.awaitility.Awaitility.await;

/**
 * One tab of a real headless Chromium driven over the Chrome DevTools Protocol (a WebSocket speaking JSON):
 * navigate, evaluate JavaScript, type into a field and click with real mouse events. Every
 * {@code confirm()}/{@code alert()} the page opens is accepted and remembered; uncaught page errors are
 * remembered too. Every call waits at most {@link #TIMEOUT}; {@link #close()} kills the browser.
 */
final class DevToolsPage implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HeadlessChromium.Running browser;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<String> dialogs = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private WebSocket socket;

    private DevToolsPage(HeadlessChromium.Running browser) {
        this.browser = browser;
    }

    /** Starts the browser and connects to its first tab. */
    static DevToolsPage launch(HeadlessChromium chromium) throws Exception {
        DevToolsPage page = new DevToolsPage(chromium.startWithDevTools(TIMEOUT));
        try {
            return page.connect();
        } catch (Exception | AssertionError e) {
            page.close();
            throw e;
        }
    }

    private DevToolsPage connect() throws Exception {
        int port = browser.devToolsPort();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        String url = StreamSupport.stream(MAPPER.readTree(list.body()).spliterator(), false)
                .filter(t -> "page".equals(t.path("type").asText())).map(t -> t.path("webSocketDebuggerUrl").asText())
                .findFirst().orElseThrow(() -> new IOException("chromium lists no page on port " + port + ": " + list.body()));
        socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(URI.create(url), new Listener())
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        call("Page.enable", Map.of());
        call("Runtime.enable", Map.of());
        return this;
    }

    /** Sends one DevTools command and waits (bounded) for its result. */
    JsonNode call(String method, Map<String, ?> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            String text = MAPPER.writeValueAsString(Map.of("id", id, "method", method, "params", params));
            synchronized (this) {
                socket.sendText(text, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            JsonNode response = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (response.has("error")) {
                throw new IOException(method + " failed: " + response.get("error"));
            }
            return response.path("result");
        } finally {
            pending.remove(id);
        }
    }

    /** Opens {@code url} and waits until the document has loaded. */
    void navigate(URI url) throws Exception {
        call("Page.navigate", Map.of("url", url.toString()));
        await("page " + url + " loaded").atMost(TIMEOUT)
                .until(() -> "complete".equals(evaluate("document.readyState").asText()));
    }

    /** The value of a JavaScript expression (promises awaited); a thrown error fails the call. */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                "awaitPromise", true, "timeout", TIMEOUT.toMillis()));
        if (result.has("exceptionDetails")) {
            throw new IOException("page threw on '" + expression + "': " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** The trimmed text of the first element matching the CSS selector, or "" if there is none. */
    String text(String selector) throws Exception {
        return evaluate("(document.querySelector(" + quote(selector) + ")?.textContent ?? '').trim()").asText();
    }

    /** Focuses the field, selects what it holds and types {@code text} over it, as a user would. */
    void type(String selector, String text) throws Exception {
        evaluate("{ const e = document.querySelector(" + quote(selector) + "); e.focus(); e.select(); }");
        call("Input.insertText", Map.of("text", text));
    }

    /** A left mouse click in the middle of the element (scrolled into view first). */
    void click(String selector) throws Exception {
        JsonNode at = evaluate("(() => { const e = document.querySelector(" + quote(selector) + ");"
                + " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                + " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()");
        for (String type : List.of("mousePressed", "mouseReleased")) {
            call("Input.dispatchMouseEvent", Map.of("type", type, "x", at.get("x").asDouble(), "y", at.get("y").asDouble(),
                    "button", "left", "clickCount", 1));
        }
    }

    /** The messages of the dialogs the page opened (each was accepted), oldest first. */
    List<String> dialogs() {
        return List.copyOf(dialogs);
    }

    /** The page's uncaught JavaScript errors, and any trouble accepting a dialog. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    private void acceptDialog() {
        try {
            call("Page.handleJavaScriptDialog", Map.of("accept", true));
        } catch (Exception e) {
            errors.add("cannot accept the dialog: " + e);
        }
    }

    private static String quote(String s) throws IOException {
        return MAPPER.writeValueAsString(s);
    }

    private void onMessage(JsonNode message) {
        if (message.has("id")) {
            Optional.ofNullable(pending.get(message.get("id").asInt())).ifPresent(answer -> answer.complete(message));
            return;
        }
        switch (message.path("method").asText()) {
            case "Page.javascriptDialogOpening" -> {
                dialogs.add(message.at("/params/message").asText());
                CompletableFuture.runAsync(this::acceptDialog);
            }
            case "Runtime.exceptionThrown" -> errors.add(message.at("/params/exceptionDetails/exception/description")
                    .asText(message.at("/params/exceptionDetails/text").asText()));
            default -> {
            }
        }
    }

    /** Closes the connection and kills the browser; removes its profile. */
    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
        browser.close();
    }

    /** Joins the frames of each message and hands it to {@link #onMessage}. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    onMessage(MAPPER.readTree(partial.toString()));
                } catch (IOException e) {
                    errors.add("unreadable DevTools message: " + e.getMessage());
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }
}
