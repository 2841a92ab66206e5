package dev.caracal.gateway.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.json.Json;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
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
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every ingress must do with calls in flight, whatever its wire format. Non-streamed calls are served
 * asynchronously: the gateway's stage completes later on its {@code scripted-upstream} thread (one thread for every
 * call, as a provider's selector), and the answer is the one the blocking path gives, without a request thread held
 * meanwhile. Clients that do not read, or leave, cost nothing lasting, and a client that disconnects from a stream
 * cancels it. A subclass starts its ingress and says how its wire format asks and answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class IngressScenarios {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Starts an ingress on a harness of its own, with a fresh scripted gateway; {@code maxThreads} as the harness. */
    @FunctionalInterface
    protected interface Starter {
        IngressUnderTest start(int maxThreads) throws Exception;
    }

    private final Starter starter;
    private final WireFormat wire;
    private IngressUnderTest ingress;
    private JettyHarness jetty;
    private ScriptedGateway gateway;

    /** Scenarios for the ingress {@code starter} starts, which speaks {@code wire}. */
    protected IngressScenarios(Starter starter, WireFormat wire) {
        this.starter = starter;
        this.wire = wire;
    }

    // ---- what the ingress says

    /** The outcomes the ingress answers its own way, besides the {@link Outcome#common()} ones. */
    protected abstract List<Outcome> ownOutcomes();

    /** {@code body} without what differs from call to call (ids, creation times, incident ids). */
    protected abstract String withoutIds(String body);

    /** Asserts a successful answer is well-formed and tied to the request id. */
    protected abstract void assertAnswer(String requestId, JsonNode answer);

    /** Asserts an error answer is the vendor's error envelope, tied to the request id. */
    protected abstract void assertErrorEnvelope(String requestId, JsonNode answer);

    /** Asserts the envelope of a non-streamed call that ran out of its async timeout. */
    protected abstract void assertTimeoutEnvelope(String requestId, JsonNode answer);

    // ---- the server

    @BeforeAll
    void startIngress() throws Exception {
        ingress = starter.start(0);
        jetty = ingress.jetty();
        gateway = ingress.gateway();
    }

    @AfterAll
    void stopIngress() throws Exception {
        ingress.close();
    }

    @BeforeEach
    void resetIngress() {
        gateway.reset();
        ingress.restoreAsyncTimeout();
    }

    /** A request body asking {@code model} to answer {@code prompt}, streamed or not. */
    private String body(String model, String prompt, boolean stream) {
        ObjectNode body = Json.mapper().createObjectNode().put("model", model);
        wire.requiredFields().forEach((k, v) -> body.set(k, Json.mapper().valueToTree(v)));
        if (stream) {
            body.put("stream", true);
        }
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        return body.toString();
    }

    private HttpRequest post(JettyHarness on, String context, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(on.url(context + wire.path())))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        wire.headers().forEach(b::header);
        return b.build();
    }

    private String text(JsonNode answer) {
        return answer.at(wire.textPointer()).textValue();
    }

    private HttpResponse<String> call(String context) throws Exception {
        return HTTP.send(
                post(jetty, context, body(wire.model(), "Hello", false)), HttpResponse.BodyHandlers.ofString());
    }

    private String answer(HttpResponse<String> r) throws Exception {
        return text(Json.mapper().readTree(r.body()));
    }

    private static String prompt(ChatRequest r) {
        return ((ContentPart.Text) r.messages().get(0).content().get(0)).text();
    }

    /** Waits (up to 30 s) for {@code value} to reach {@code expected}, then asserts it. */
    private static void await(IntSupplier value, int expected, String what) throws InterruptedException {
        for (int i = 0; i < 3000 && value.getAsInt() != expected; i++) {
            Thread.sleep(10);
        }
        assertEquals(expected, value.getAsInt(), what);
    }

    /** A raw HTTP/1.1 POST on a socket of its own, whose answer is not read unless the caller reads it. */
    private Socket rawPost(String context, String body, int receiveBuffer) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer);
        s.connect(new InetSocketAddress("127.0.0.1", jetty.port()));
        StringBuilder head = new StringBuilder("POST " + context + wire.path() + " HTTP/1.1\r\nHost: localhost\r\n");
        head.append("Content-Type: application/json\r\n");
        wire.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length);
        OutputStream out = s.getOutputStream();
        out.write((head + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
        out.flush();
        return s;
    }

    // ---- the same answers as the blocking path

    /** The headers that must match: all but the date and the per-request id (the length follows the body). */
    private Map<String, List<String>> comparable(HttpResponse<String> r) {
        Map<String, List<String>> h = new TreeMap<>(r.headers().map());
        h.keySet().removeAll(List.of("date", wire.requestIdHeader(), "content-length"));
        return h;
    }

    /**
     * Calls the async context; unless the gateway answers inline, the stage completes only once the request waits
     * asynchronously, so the answer surely goes from the upstream thread through the container.
     */
    private HttpResponse<String> callAsync(boolean inline) throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        gateway.holdAnswersUntil(r -> gate);
        CompletableFuture<HttpResponse<String>> r = HTTP.sendAsync(
                post(jetty, "", body(wire.model(), "Hello", false)), HttpResponse.BodyHandlers.ofString());
        if (!inline) {
            await(jetty::asyncRequestsWaiting, 1, "the call waits asynchronously");
        }
        gate.complete(null);
        return r.get(60, TimeUnit.SECONDS);
    }

    @Test
    void everyOutcomeIsAnsweredExactlyAsTheBlockingPathAnswersIt() throws Exception {
        List<Outcome> outcomes = new ArrayList<>(Outcome.common());
        outcomes.addAll(ownOutcomes());
        for (Outcome o : outcomes) {
            for (boolean inline : List.of(false, true)) {
                String name = o.name() + (inline ? " (stage complete at once)" : " (stage completed later)");
                gateway.reset();
                o.script().accept(gateway);
                gateway.answerInline(inline);
                gateway.setResponseHeaders(Map.of(FILTER_HEADER, "asked"));

                HttpResponse<String> async = callAsync(inline);
                assertEquals(1, gateway.asyncCalls(), name + ": the async context used completeAsync");
                HttpResponse<String> blocking = call(JettyHarness.BLOCKING);
                assertEquals(1, gateway.asyncCalls(), name + ": the blocking context used complete");
                assertEquals(2, gateway.calls(), name);

                assertEquals(o.status(), async.statusCode(), name + ": " + async.body());
                assertEquals(blocking.statusCode(), async.statusCode(), name);
                assertEquals(comparable(blocking), comparable(async), name);
                assertEquals(
                        "asked",
                        async.headers().firstValue(FILTER_HEADER).orElse(null),
                        name + ": the header a filter asked for, on an answer and a refusal alike");
                assertEquals(withoutIds(blocking.body()), withoutIds(async.body()), name);
                o.headers()
                        .forEach((k, v) -> assertTrue(
                                async.headers().firstValue(k).orElse("").startsWith(v),
                                name + ": " + k + " in " + async.headers()));
                String id = async.headers().firstValue(wire.requestIdHeader()).orElseThrow();
                assertTrue(id.startsWith(wire.requestIdPrefix()), id);
                JsonNode json = Json.mapper().readTree(async.body());
                if (o.status() == 200) {
                    assertAnswer(id, json);
                    assertEquals("Hi there!", text(json), name);
                } else {
                    assertErrorEnvelope(id, json);
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
        try (IngressUnderTest small = starter.start(12)) {
            assertEquals(12, small.jetty().maxThreads());
            ScriptedGateway g = small.gateway();
            CountDownLatch arrived = new CountDownLatch(n);
            CompletableFuture<Void> allArrived = new CompletableFuture<>();
            g.countArrivals(arrived);
            g.holdAnswersUntil(r -> allArrived);
            g.answerWith(r -> ScriptedGateway.reply("answer to " + prompt(r)));

            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(HTTP.sendAsync(
                        post(small.jetty(), "", body(wire.model(), "call " + i, false)),
                        HttpResponse.BodyHandlers.ofString()));
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
            assertEquals(n, g.asyncCalls());
            await(small.jetty()::requestsActive, 0, "every request ended");
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
        gateway.answerWith(r -> ScriptedGateway.reply(r.model().equals("slow") ? huge : "fast answer"));
        gateway.holdAnswersUntil(r -> r.model().equals("slow") ? slowGate : fastGate);
        try (Socket slow = rawPost("", body("slow", "Hello", false), 4096)) {
            await(jetty::asyncRequestsWaiting, 1, "the slow client's call waits asynchronously");
            CompletableFuture<HttpResponse<String>> fast =
                    HTTP.sendAsync(post(jetty, "", body("fast", "Hello", false)), HttpResponse.BodyHandlers.ofString());
            await(jetty::asyncRequestsWaiting, 2, "so does the next call");

            slowGate.complete(null); // queues the huge answer on the upstream thread first
            fastGate.complete(null); // then the small one
            HttpResponse<String> r = fast.get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("fast answer", answer(r));
            await(jetty::requestsActive, 1, "the huge answer is still being written to its slow client");
        }
        // the slow client left: its write fails and its request ends
        await(jetty::requestsActive, 0, "no request is left behind");
        gateway.answerWith(r -> ScriptedGateway.reply("next"));
        assertEquals("next", answer(call("")));
    }

    @Test
    void aClientGoneBeforeItsAnswerLeavesTheServerHealthy() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        gateway.answerWith(r -> ScriptedGateway.reply("nobody listens"));
        gateway.holdAnswersUntil(r -> gate);
        try (Socket s = rawPost("", body(wire.model(), "Hello", false), 65536)) {
            await(jetty::asyncRequestsWaiting, 1, "the call waits asynchronously");
        }
        gate.complete(null); // the answer arrives after the client left
        await(jetty::requestsActive, 0, "the request ended: nothing leaks");
        await(jetty::asyncRequestsWaiting, 0, "nothing waits");

        gateway.holdAnswersUntil(r -> CompletableFuture.completedFuture(null));
        gateway.answerWith(r -> ScriptedGateway.reply("still serving"));
        HttpResponse<String> next = call("");
        assertEquals(200, next.statusCode(), next.body());
        assertEquals("still serving", answer(next));
    }

    /** A body whose chunked encoding is malformed is the client's fault: a 400 in the vendor's error envelope. */
    @ParameterizedTest(name = "context {0}")
    @ValueSource(strings = {"", JettyHarness.BLOCKING})
    void aMalformedChunkedBodyIsA400InTheVendorsShape(String context) throws Exception {
        StringBuilder head = new StringBuilder("POST " + context + wire.path() + " HTTP/1.1\r\nHost: localhost\r\n");
        head.append("Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n");
        wire.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        RawHttp.Response r = RawHttp.exchange(jetty.port(), head + "\r\nzz\r\n{}\r\n0\r\n\r\n");
        assertEquals(400, r.status(), r.body());
        String id = r.header(wire.requestIdHeader());
        assertNotNull(id, r.headers().toString());
        assertErrorEnvelope(id, Json.mapper().readTree(r.body()));
        assertTrue(r.body().contains("chunked encoding is malformed"), r.body());
        assertEquals(0, gateway.calls(), "nothing reached the gateway");
    }

    @Test
    void anAsyncTimeoutIsAnsweredAsAGatewayTimeoutAndTheLateAnswerDropped() throws Exception {
        ingress.shortenAsyncTimeout(200);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        gateway.answerWith(r -> ScriptedGateway.reply("too late"));
        gateway.holdAnswersUntil(r -> gate);
        HttpResponse<String> r = call("");
        assertEquals(504, r.statusCode(), r.body());
        String id = r.headers().firstValue(wire.requestIdHeader()).orElseThrow();
        assertTrue(id.startsWith(wire.requestIdPrefix()), id);
        assertTimeoutEnvelope(id, Json.mapper().readTree(r.body()));

        gate.complete(null);
        await(jetty::requestsActive, 0, "the request ended once");
        ingress.restoreAsyncTimeout();
        gateway.holdAnswersUntil(x -> CompletableFuture.completedFuture(null));
        assertEquals("too late", answer(call("")));
    }

    // ---- streams

    /** A header a gateway filter asks the ingress to send (a rate limit's remaining budget, say). */
    private static final String FILTER_HEADER = "x-ratelimit-remaining-tokens";

    /** What a filter asks to send goes out before a stream's first event, and with a stream refused at its start. */
    @ParameterizedTest(name = "context {0}")
    @ValueSource(strings = {"", JettyHarness.BLOCKING})
    void aStreamCarriesTheHeadersFiltersAskFor(String context) throws Exception {
        gateway.setResponseHeaders(Map.of(FILTER_HEADER, "asked"));
        gateway.streamEvents(List.of(
                new StreamEvent.Start("up", wire.model()),
                new StreamEvent.TextDelta(0, "hi"),
                new StreamEvent.End(StopReason.END_TURN)));
        HttpResponse<String> streamed =
                HTTP.send(post(jetty, context, body(wire.model(), "x", true)), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, streamed.statusCode(), streamed.body());
        assertEquals(
                "asked",
                streamed.headers().firstValue(FILTER_HEADER).orElse(null),
                streamed.headers().toString());

        gateway.failWith(new dev.caracal.llm.LlmException(
                dev.caracal.llm.ErrorKind.RATE_LIMITED, "the budget is used up", 0, Duration.ofSeconds(3), null));
        HttpResponse<String> refused =
                HTTP.send(post(jetty, context, body(wire.model(), "x", true)), HttpResponse.BodyHandlers.ofString());
        assertEquals(429, refused.statusCode(), refused.body());
        assertEquals("3", refused.headers().firstValue("retry-after").orElse(null));
        assertEquals(
                "asked",
                refused.headers().firstValue(FILTER_HEADER).orElse(null),
                refused.headers().toString());
    }

    /** A client that disconnects in the middle of a stream cancels the gateway's stream, async or blocking. */
    @ParameterizedTest(name = "context {0}")
    @ValueSource(strings = {"", JettyHarness.BLOCKING})
    void clientDisconnectCancelsTheStream(String context) throws Exception {
        gateway.streamWith((handler, cancelled) -> {
            handler.onEvent(new StreamEvent.Start("up", wire.model()));
            for (int i = 0; i < 10_000 && !cancelled.getAsBoolean(); i++) {
                handler.onEvent(new StreamEvent.TextDelta(0, "tick " + i + " "));
                Thread.sleep(5);
            }
            if (!cancelled.getAsBoolean()) {
                handler.onEvent(new StreamEvent.End(StopReason.END_TURN));
            }
        });
        try (Socket s = rawPost(context, body(wire.model(), "x", true), 65536)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.contains("tick")) {
                // the headers and the stream's opening events, until the first delta
            }
            assertNotNull(line);
        }
        assertTrue(
                gateway.streamCancelledWithin(Duration.ofSeconds(30)),
                "the gateway's stream was not cancelled (context '" + context + "')");
    }
}
