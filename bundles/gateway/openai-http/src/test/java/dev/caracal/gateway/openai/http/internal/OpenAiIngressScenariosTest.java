package dev.caracal.gateway.openai.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.http.Problem;
import dev.caracal.core.http.ProblemException;
import dev.caracal.core.json.Json;
import dev.caracal.gateway.GatewayException;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.Usage;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Non-streamed chat completions served asynchronously: the gateway's stage completes later on its
 * {@code scripted-upstream} thread (one thread for every call, as a provider's selector), and the answer is the one
 * the blocking path gives, without a request thread held meanwhile.
 */
class AsyncCompletionTest {
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static JettyHarness jetty;
    static ScriptedGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        jetty = new JettyHarness(1024 * 1024);
        gateway = jetty.gateway;
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.close();
    }

    @BeforeEach
    void reset() {
        gateway.reset();
        jetty.chat.asyncTimeoutMillis = ChatCompletionsServlet.ASYNC_TIMEOUT_MILLIS;
    }

    static String body(String model, String prompt) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    static HttpRequest post(JettyHarness h, String base, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port + base + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer sk-async")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    static HttpResponse<String> call(String base) throws Exception {
        return HTTP.send(post(jetty, base, body("gpt-4o", "Hello")), HttpResponse.BodyHandlers.ofString());
    }

    static ChatResponse text(String text) {
        return new ChatResponse(
                "up-1",
                "gpt-4o-2024-08-06",
                List.of(new ContentPart.Text(text)),
                StopReason.END_TURN,
                new Usage(11, 3, 2, 0));
    }

    static String prompt(ChatRequest r) {
        return ((ContentPart.Text) r.messages().get(0).content().get(0)).text();
    }

    static String answer(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body()).at("/choices/0/message/content").textValue();
    }

    /** Waits (up to 30 s) for {@code value} to reach {@code expected}, then asserts it. */
    static void await(IntSupplier value, int expected, String what) throws InterruptedException {
        for (int i = 0; i < 3000 && value.getAsInt() != expected; i++) {
            Thread.sleep(10);
        }
        assertEquals(expected, value.getAsInt(), what);
    }

    /** A raw HTTP/1.1 POST on a socket of its own, whose answer is never read. */
    static Socket rawPost(String model, int receiveBuffer) throws Exception {
        String body = body(model, "Hello");
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer);
        s.connect(new InetSocketAddress("127.0.0.1", jetty.port));
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
        return s;
    }

    // ---- the same answers as the blocking path

    /** A scripted outcome of the gateway, the status it must be answered with, and headers the answer must carry. */
    record Outcome(String name, int status, Map<String, String> headers, Consumer<ScriptedGateway> script) {
        static Outcome failure(String name, int status, Map<String, String> headers, RuntimeException e) {
            return new Outcome(name, status, headers, g -> g.failure = e);
        }
    }

    static List<Outcome> outcomes() {
        return List.of(
                new Outcome(
                        "success",
                        200,
                        Map.of("content-type", "application/json"),
                        g -> g.complete = r -> text("Hi there!")),
                Outcome.failure(
                        "no route",
                        404,
                        Map.of(),
                        new GatewayException(
                                ErrorKind.NOT_FOUND, "no route for model 'nope'", 0, null, null, false, List.of())),
                Outcome.failure(
                        "exhausted rate limit",
                        429,
                        Map.of("x-should-retry", "false", "retry-after", "3", "retry-after-ms", "3000"),
                        new GatewayException(
                                ErrorKind.RATE_LIMITED,
                                "every target is rate limited",
                                429,
                                Duration.ofSeconds(3),
                                null,
                                true,
                                List.of())),
                Outcome.failure(
                        "overloaded, retry at once",
                        503,
                        Map.of("retry-after", "1", "retry-after-ms", "0"),
                        new GatewayException(ErrorKind.OVERLOADED, "busy", 529, Duration.ZERO, null, false, List.of())),
                Outcome.failure(
                        "no healthy target",
                        503,
                        Map.of("x-should-retry", "false"),
                        new GatewayException(
                                ErrorKind.UNAVAILABLE, "no healthy target", 0, null, null, true, List.of())),
                Outcome.failure(
                        "upstream failure",
                        502,
                        Map.of(),
                        new GatewayException(ErrorKind.UPSTREAM, "bad gateway", 500, null, null, true, List.of())),
                Outcome.failure(
                        "connection lost", 502, Map.of(), new LlmException(ErrorKind.CONNECTION, "connection reset")),
                Outcome.failure(
                        "upstream timeout",
                        504,
                        Map.of(),
                        new GatewayException(ErrorKind.TIMEOUT, "too slow", 0, null, null, true, List.of())),
                Outcome.failure(
                        "context length",
                        400,
                        Map.of(),
                        new GatewayException(ErrorKind.CONTEXT_LENGTH, "too long", 400, null, null, true, null)),
                Outcome.failure("content filter", 400, Map.of(), new LlmException(ErrorKind.CONTENT_FILTER, "refused")),
                Outcome.failure(
                        "invalid request", 400, Map.of(), new LlmException(ErrorKind.INVALID_REQUEST, "bad prompt")),
                Outcome.failure(
                        "authentication", 401, Map.of(), new LlmException(ErrorKind.AUTHENTICATION, "unknown key")),
                Outcome.failure("permission", 403, Map.of(), new LlmException(ErrorKind.PERMISSION, "not for you")),
                Outcome.failure(
                        "a filter's problem",
                        422,
                        Map.of(),
                        new ProblemException(Problem.of(422, "budget", "Budget", "the budget is spent"))),
                Outcome.failure("unexpected failure", 500, Map.of(), new IllegalStateException("secret internals")),
                new Outcome("an answer that cannot be rendered", 500, Map.of(), g -> g.complete = r -> null));
    }

    /** The headers that must match: all but the date and the per-request id (the length follows the body). */
    static Map<String, List<String>> comparable(HttpResponse<String> r) {
        Map<String, List<String>> h = new TreeMap<>(r.headers().map());
        h.keySet().removeAll(List.of("date", "x-request-id", "content-length"));
        return h;
    }

    /** The body without what differs from call to call: ids, the creation second, incident ids. */
    static String comparable(String body) {
        return body.replaceAll("chatcmpl-[A-Za-z0-9]{29}", "chatcmpl-ID")
                .replaceAll("\"created\":\\d+", "\"created\":0")
                .replaceAll("incident [0-9a-f]+", "incident X");
    }

    /**
     * Calls the async context; unless the gateway answers inline, the stage completes only once the request waits
     * asynchronously, so the answer surely goes from the upstream thread through the container.
     */
    static HttpResponse<String> callAsync(boolean inline) throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        gateway.answerWhen = r -> gate;
        CompletableFuture<HttpResponse<String>> r =
                HTTP.sendAsync(post(jetty, "", body("gpt-4o", "Hello")), HttpResponse.BodyHandlers.ofString());
        if (!inline) {
            await(jetty.stats::getAsyncRequestsWaiting, 1, "the call waits asynchronously");
        }
        gate.complete(null);
        return r.get(60, TimeUnit.SECONDS);
    }

    @Test
    void everyOutcomeIsAnsweredExactlyAsTheBlockingPathAnswersIt() throws Exception {
        for (Outcome o : outcomes()) {
            for (boolean inline : List.of(false, true)) {
                String name = o.name() + (inline ? " (stage complete at once)" : " (stage completed later)");
                gateway.reset();
                o.script().accept(gateway);
                gateway.inline = inline;

                HttpResponse<String> async = callAsync(inline);
                assertEquals(1, gateway.asyncCalls.get(), name + ": the async context used completeAsync");
                HttpResponse<String> blocking = call("/blocking");
                assertEquals(1, gateway.asyncCalls.get(), name + ": the blocking context used complete");
                assertEquals(2, gateway.calls.get(), name);

                assertEquals(o.status(), async.statusCode(), name + ": " + async.body());
                assertEquals(blocking.statusCode(), async.statusCode(), name);
                assertEquals(comparable(blocking), comparable(async), name);
                assertEquals(comparable(blocking.body()), comparable(async.body()), name);
                o.headers()
                        .forEach((k, v) -> assertTrue(
                                async.headers().firstValue(k).orElse("").startsWith(v),
                                name + ": " + k + " in " + async.headers()));
                String id = async.headers().firstValue("x-request-id").orElseThrow();
                assertTrue(id.startsWith("chatcmpl-"), id);
                JsonNode json = Json.mapper().readTree(async.body());
                if (o.status() == 200) {
                    assertEquals(id, json.get("id").textValue());
                    assertEquals("Hi there!", answer(async));
                } else {
                    assertEquals(1, json.size(), async.body());
                    assertTrue(
                            json.get("error").has("message")
                                    && json.get("error").has("type")
                                    && json.get("error").has("param")
                                    && json.get("error").has("code"),
                            async.body());
                }
            }
        }
    }

    // ---- capacity

    /**
     * A hundred calls are in the gateway at once on a container of twelve threads, and all are answered: the
     * gateway answers none until all have arrived. The blocking path holds a request thread per call, so at most
     * the ten threads left after the acceptor and selector would reach the gateway, and the rest would wait forever.
     */
    @Test
    void aHundredCallsWaitTogetherOnTwelveThreads() throws Exception {
        int n = 100;
        try (JettyHarness small = new JettyHarness(1024 * 1024, 12)) {
            assertEquals(12, ((QueuedThreadPool) small.server.getThreadPool()).getMaxThreads());
            ScriptedGateway g = small.gateway;
            CountDownLatch arrived = new CountDownLatch(n);
            CompletableFuture<Void> allArrived = new CompletableFuture<>();
            g.arrivals = arrived;
            g.answerWhen = r -> allArrived;
            g.complete = r -> text("answer to " + prompt(r));

            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(HTTP.sendAsync(
                        post(small, "", body("gpt-4o", "call " + i)), HttpResponse.BodyHandlers.ofString()));
            }
            assertTrue(
                    arrived.await(60, TimeUnit.SECONDS),
                    (n - arrived.getCount()) + " of " + n + " calls reached the gateway");
            assertTrue(calls.stream().noneMatch(CompletableFuture::isDone), "nothing was answered before");
            allArrived.complete(null);
            for (int i = 0; i < n; i++) {
                HttpResponse<String> r = calls.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), r.body());
                assertEquals("answer to call " + i, answer(r));
            }
            assertEquals(n, g.asyncCalls.get());
            await(small.stats::getRequestsActive, 0, "every request ended");
        }
    }

    // ---- slow and departed clients

    /**
     * The stage completes on the one upstream thread; if the answer were written there, a client that does not read
     * would stall every later answer. Here the huge answer of such a client is completed first, and the next call,
     * completed right after it on the same thread, is answered all the same while the first write is still stuck.
     */
    @Test
    void aClientThatDoesNotReadStallsNoOtherAnswer() throws Exception {
        String huge = "x".repeat(16 << 20); // far beyond the socket buffers (4 MiB at most) between the two
        CompletableFuture<Void> slowGate = new CompletableFuture<>();
        CompletableFuture<Void> fastGate = new CompletableFuture<>();
        gateway.complete = r -> text(r.model().equals("slow") ? huge : "fast answer");
        gateway.answerWhen = r -> r.model().equals("slow") ? slowGate : fastGate;
        try (Socket slow = rawPost("slow", 4096)) {
            await(jetty.stats::getAsyncRequestsWaiting, 1, "the slow client's call waits asynchronously");
            CompletableFuture<HttpResponse<String>> fast =
                    HTTP.sendAsync(post(jetty, "", body("fast", "Hello")), HttpResponse.BodyHandlers.ofString());
            await(jetty.stats::getAsyncRequestsWaiting, 2, "so does the next call");

            slowGate.complete(null); // queues the huge answer on the upstream thread first
            fastGate.complete(null); // then the small one
            HttpResponse<String> r = fast.get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("fast answer", answer(r));
            await(jetty.stats::getRequestsActive, 1, "the huge answer is still being written to its slow client");
        }
        // the slow client left: its write fails and its request ends
        await(jetty.stats::getRequestsActive, 0, "no request is left behind");
        gateway.complete = r -> text("next");
        assertEquals("next", answer(call("")));
    }

    @Test
    void aClientGoneBeforeItsAnswerLeavesTheServerHealthy() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        gateway.complete = r -> text("nobody listens");
        gateway.answerWhen = r -> gate;
        try (Socket s = rawPost("gpt-4o", 65536)) {
            await(jetty.stats::getAsyncRequestsWaiting, 1, "the call waits asynchronously");
        }
        gate.complete(null); // the answer arrives after the client left
        await(jetty.stats::getRequestsActive, 0, "the request ended: nothing leaks");
        await(jetty.stats::getAsyncRequestsWaiting, 0, "nothing waits");

        gateway.answerWhen = r -> CompletableFuture.completedFuture(null);
        gateway.complete = r -> text("still serving");
        HttpResponse<String> next = call("");
        assertEquals(200, next.statusCode(), next.body());
        assertEquals("still serving", answer(next));
    }

    @Test
    void anAsyncTimeoutIsAnsweredAsAGatewayTimeoutAndTheLateAnswerDropped() throws Exception {
        jetty.chat.asyncTimeoutMillis = 200;
        CompletableFuture<Void> gate = new CompletableFuture<>();
        gateway.complete = r -> text("too late");
        gateway.answerWhen = r -> gate;
        HttpResponse<String> r = call("");
        assertEquals(504, r.statusCode(), r.body());
        JsonNode error = Json.mapper().readTree(r.body()).get("error");
        assertEquals("server_error", error.get("type").textValue());
        assertEquals("timeout", error.get("code").textValue());
        assertTrue(r.headers().firstValue("x-request-id").orElseThrow().startsWith("chatcmpl-"));

        gate.complete(null);
        await(jetty.stats::getRequestsActive, 0, "the request ended once");
        jetty.chat.asyncTimeoutMillis = ChatCompletionsServlet.ASYNC_TIMEOUT_MILLIS;
        gateway.answerWhen = x -> CompletableFuture.completedFuture(null);
        assertEquals("too late", answer(call("")));
    }
}
