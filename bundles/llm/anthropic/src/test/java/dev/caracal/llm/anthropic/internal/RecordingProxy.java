package dev.caracal.llm.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.caracal.llm.support.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP proxy in front of aimock that records the request bodies exactly as the provider sent them. aimock journals
 * an Anthropic request in its OpenAI form, which has no {@code thinking} parameter and no thinking blocks; the tests
 * of extended thinking read the wire body here instead. Responses (streams included) are passed through as they
 * arrive, so aimock's answers and its 400s reach the provider unchanged.
 */
final class RecordingProxy implements AutoCloseable {

    /** Request headers the JDK client sets itself (or refuses to be given). */
    private static final Set<String> NOT_FORWARDED =
            Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding");

    private final String target;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    /** The headers of each request whose body is in {@link #bodies}, at the same index (names lower-case). */
    private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();

    /** A proxy to {@code target} (aimock's root URL) on 127.0.0.1 and a free port. */
    RecordingProxy(String target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::forward);
        server.setExecutor(executor);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}, the base URL to give the provider. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The last JSON body sent whose text contains {@code text}; fails when there is none. */
    JsonNode lastBodyWith(String text) {
        for (int i = bodies.size() - 1; i >= 0; i--) {
            if (bodies.get(i).toString().contains(text)) {
                return bodies.get(i);
            }
        }
        throw new AssertionError("no request body with " + text + " among " + bodies.size());
    }

    /** The headers of the last request whose body contains {@code text} (names lower-case). */
    Map<String, String> lastHeadersWith(String text) {
        for (int i = bodies.size() - 1; i >= 0; i--) {
            if (bodies.get(i).toString().contains(text)) {
                return headers.get(i);
            }
        }
        throw new AssertionError("no request body with " + text + " among " + bodies.size());
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            JsonNode json = Json.tryParse(new String(body, StandardCharsets.UTF_8));
            if (json != null) {
                Map<String, String> sent = new java.util.TreeMap<>();
                exchange.getRequestHeaders()
                        .forEach((name, values) -> sent.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
                headers.add(sent);
                bodies.add(json);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(target + exchange.getRequestURI().toString()))
                    .timeout(Duration.ofSeconds(30))
                    .method(
                            exchange.getRequestMethod(),
                            body.length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> header :
                    exchange.getRequestHeaders().entrySet()) {
                if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                    header.getValue().forEach(v -> request.header(header.getKey(), v));
                }
            }
            HttpResponse<InputStream> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while forwarding", e);
            }
            response.headers().map().forEach((name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!lower.equals("content-length")
                        && !lower.equals("transfer-encoding")
                        && !lower.equals("connection")
                        && !lower.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            exchange.sendResponseHeaders(response.statusCode(), 0); // chunked: streams pass through as they come
            try (InputStream in = response.body();
                    OutputStream out = exchange.getResponseBody()) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
