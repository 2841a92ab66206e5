package dev.caracal.benchmarks.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * The upstream every path reaches: the JDK's HTTP server, in the load generator's JVM, answering OpenAI's
 * {@code POST /v1/chat/completions} and Anthropic's {@code POST /v1/messages} at once with {@link Canned} answers, and
 * each provider's {@code GET /v1/models} (told apart by Anthropic's {@code anthropic-version} header, so that each
 * provider lists only its own model). A request with {@code "stream": true} is answered with Server-Sent Events in the
 * format asked, each event written and flushed on its own; {@code gateway.tokenDelayMicros} (default 0) pauses between
 * two content tokens, so that the time to first token and the end of the stream come apart and a buffering proxy
 * shows (its first token then arrives with the last). With a pause each stream holds a server thread while it waits,
 * so the pool is unbounded then (keep rate x stream duration modest); without one, a fixed pool of 8 threads answers.
 * Its threads are named {@value #THREAD_PREFIX}{@code N} so that the load generator can tell its CPU time apart.
 */
final class Upstream {
    static final String THREAD_PREFIX = "bench-upstream-";

    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final Pattern INCLUDE_USAGE = Pattern.compile("\"include_usage\"\\s*:\\s*true");
    private static final String SSE = "text/event-stream; charset=utf-8";
    private static final String JSON = "application/json";

    private final long tokenDelayNanos;
    private final byte[] completion;
    private final byte[] message;
    private final List<byte[]> chunks;
    private final List<byte[]> chunksWithUsage;
    private final List<byte[]> events;
    private final HttpServer server;

    private Upstream(HttpServer server, boolean passThrough, long tokenDelayMicros) {
        this.server = server;
        this.tokenDelayNanos = tokenDelayMicros * 1_000;
        this.completion = Canned.completion(passThrough);
        this.message = Canned.message(passThrough);
        this.chunks = Canned.completionChunks(false, passThrough);
        this.chunksWithUsage = Canned.completionChunks(true, passThrough);
        this.events = Canned.messageEvents(passThrough);
    }

    /** Starts the upstream on {@code port} of the loopback interface. */
    static Upstream start(int port, boolean passThrough, long tokenDelayMicros) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        Upstream upstream = new Upstream(server, passThrough, tokenDelayMicros);
        AtomicInteger n = new AtomicInteger();
        ThreadFactory named = r -> {
            Thread t = new Thread(r, THREAD_PREFIX + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ExecutorService pool =
                tokenDelayMicros > 0 ? Executors.newCachedThreadPool(named) : Executors.newFixedThreadPool(8, named);
        server.setExecutor(pool);
        server.createContext("/v1/chat/completions", upstream::completions);
        server.createContext("/v1/messages", upstream::messages);
        server.createContext("/v1/models", upstream::models);
        server.start();
        return upstream;
    }

    void stop() {
        server.stop(0);
    }

    private void completions(HttpExchange exchange) throws IOException {
        String body = readBody(exchange);
        if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
            answer(exchange, 401, Canned.openAiUnauthorized());
        } else if (STREAM.matcher(body).find()) {
            stream(exchange, INCLUDE_USAGE.matcher(body).find() ? chunksWithUsage : chunks, 1);
        } else {
            answer(exchange, 200, completion);
        }
    }

    private void messages(HttpExchange exchange) throws IOException {
        String body = readBody(exchange);
        if (exchange.getRequestHeaders().getFirst("x-api-key") == null) {
            answer(exchange, 401, Canned.anthropicUnauthorized());
        } else if (STREAM.matcher(body).find()) {
            stream(exchange, events, 3); // message_start, content_block_start, ping come before the first token
        } else {
            answer(exchange, 200, message);
        }
    }

    private void models(HttpExchange exchange) throws IOException {
        readBody(exchange);
        boolean anthropic = exchange.getRequestHeaders().getFirst("anthropic-version") != null;
        answer(exchange, 200, anthropic ? Canned.anthropicModels() : Canned.openAiModels());
    }

    /**
     * Writes the events one by one, each flushed (one HTTP chunk each); the pause, if any, goes between two content
     * tokens: after event {@code firstToken + i} for i in 0..TOKENS-2.
     */
    private void stream(HttpExchange exchange, List<byte[]> events, int firstToken) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", SSE);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0); // chunked
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < events.size(); i++) {
                out.write(events.get(i));
                out.flush();
                if (tokenDelayNanos > 0 && i >= firstToken && i < firstToken + Canned.TOKENS - 1) {
                    LockSupport.parkNanos(tokenDelayNanos);
                }
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", JSON);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
