package dev.caracal.llm.support;

import static dev.caracal.llm.support.SupportTests.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HttpCalls#sendAsync}: the answers, failures and timeouts of {@link HttpCalls#send}, as a future. */
class HttpCallsAsyncTest {

    private static final HttpCalls.ErrorMapper ERRORS = (status, headers, body) ->
            new LlmException(HttpErrors.kindOfStatus(status), "answered " + status + ": " + body, status, null, null);

    private static HttpServer server;
    private static ExecutorService serverThreads;
    private static URI base;
    /** What {@code /held} waits for; each test that holds an answer sets its own. */
    private static final AtomicReference<CountDownLatch> RELEASE = new AtomicReference<>(new CountDownLatch(1));

    private static final CountDownLatch END = new CountDownLatch(1);
    private static final AtomicInteger PINGS = new AtomicInteger();
    private static Exchanger http;
    private static ScheduledExecutorService timer;

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/ping", exchange -> {
            PINGS.incrementAndGet();
            answer(exchange, 200, "pong");
        });
        server.createContext("/fail", exchange -> answer(exchange, 503, "{\"error\":\"busy\"}"));
        server.createContext(
                "/held",
                exchange -> { // answers once the test releases it
                    await(RELEASE.get());
                    answer(exchange, 200, "released");
                });
        server.createContext(
                "/silent",
                exchange -> { // answers only when the tests are over
                    await(END);
                    answer(exchange, 200, "too late");
                });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        http = HttpCalls.newExchanger("test-http", Duration.ofSeconds(5));
        timer = Executors.newSingleThreadScheduledExecutor(HttpCalls.daemonThreads("test-timer"));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterAll
    static void stop() {
        RELEASE.get().countDown();
        END.countDown();
        timer.shutdownNow();
        http.close();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).GET().build(); // no request timeout: only ours bounds it
    }

    private static CompletableFuture<String> sendAsync(String path, Duration timeout) {
        return HttpCalls.sendAsync(http, get(path), timeout, Secret.NONE, ERRORS, timer);
    }

    @Test
    void answersAndErrorAnswersAreTheSameAsSend() throws Exception {
        assertEquals("pong", sendAsync("/ping", Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
        assertEquals("pong", HttpCalls.send(http, get("/ping"), Duration.ofSeconds(5), Secret.NONE, ERRORS));

        LlmException async = assertInstanceOf(LlmException.class, failureOf(sendAsync("/fail", Duration.ofSeconds(5))));
        LlmException blocking = assertThrows(
                LlmException.class,
                () -> HttpCalls.send(http, get("/fail"), Duration.ofSeconds(5), Secret.NONE, ERRORS));
        assertEquals(ErrorKind.OVERLOADED, async.kind());
        assertEquals(blocking.kind(), async.kind());
        assertEquals(blocking.getMessage(), async.getMessage());
        assertEquals(503, async.upstreamStatus());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "jdk"})
    void dependentStagesDoNotRunOnTheSelectorThreadOfTheExchangeClient(String kind) throws Exception {
        AtomicReference<String> completedOn = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        RELEASE.set(release);
        try (Exchanger gated = HttpCallsTest.transport(kind)) {
            CompletableFuture<String> call =
                    HttpCalls.sendAsync(gated, get("/held"), Duration.ofSeconds(20), Secret.NONE, ERRORS, timer);
            CompletableFuture<String> seen = call.whenComplete(
                    (body, failure) -> completedOn.set(Thread.currentThread().getName()));
            assertFalse(call.isDone(), "the answer is held by the server");
            release.countDown();
            assertEquals("released", seen.get(10, TimeUnit.SECONDS));
        }
        // the JDK hands the completion of sendAsync's future to the CompletableFuture default executor; Jetty's
        // client completes on one of its pool threads, whose selector has handed its selecting to another
        assertFalse(completedOn.get().contains("SelectorManager"), completedOn.get());
        assertFalse(completedOn.get().startsWith("test-timer"), completedOn.get());
        if (kind.equals("jetty")) {
            assertTrue(completedOn.get().startsWith("test-jetty"), completedOn.get());
        }
    }

    @Test
    void noAnswerInTimeIsTimeoutOnTheTimerThreadAsSendSays() {
        HttpRequest neverAnswered = get("/silent");
        CompletableFuture<String> call =
                HttpCalls.sendAsync(http, neverAnswered, Duration.ofMillis(200), Secret.NONE, ERRORS, timer);
        LlmException async = assertInstanceOf(LlmException.class, failureOf(call));
        assertEquals(ErrorKind.TIMEOUT, async.kind());
        assertEquals("the upstream did not answer within 200 ms", async.getMessage());
        // made by the timer's task, so on its thread: the failure's own stack says so whatever thread observes it
        // (an observer registered after the timer fired would run on the registering thread and prove nothing)
        assertTrue(
                java.util.Arrays.stream(async.getStackTrace())
                        .anyMatch(f -> f.getClassName().startsWith("java.util.concurrent.ScheduledThreadPoolExecutor")),
                java.util.Arrays.toString(async.getStackTrace()));
        LlmException blocking = assertThrows(
                LlmException.class,
                () -> HttpCalls.send(http, neverAnswered, Duration.ofMillis(200), Secret.NONE, ERRORS));
        assertEquals(async.kind(), blocking.kind());
        assertEquals(async.getMessage(), blocking.getMessage());
    }

    @Test
    void aStoppedTimerSendsNothingAndFailsUnavailable() {
        ScheduledExecutorService stopped = Executors.newSingleThreadScheduledExecutor();
        stopped.shutdown();
        int before = PINGS.get();
        CompletableFuture<String> call =
                HttpCalls.sendAsync(http, get("/ping"), Duration.ofSeconds(5), Secret.NONE, ERRORS, stopped);
        assertTrue(call.isCompletedExceptionally());
        assertEquals(
                ErrorKind.UNAVAILABLE,
                assertInstanceOf(LlmException.class, failureOf(call)).kind());
        assertEquals(before, PINGS.get(), "nothing was sent");
    }

    @Test
    void stepsBuiltOnACallPassFailuresAndCancelsThrough() throws Exception {
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletableFuture<Integer> length = HttpCalls.thenApply(source, String::length);
        source.complete("four");
        assertEquals(4, length.get());

        LlmException timeout = new LlmException(ErrorKind.TIMEOUT, "the upstream did not answer in time");
        CompletableFuture<String> failing = new CompletableFuture<>();
        CompletableFuture<Integer> notApplied = HttpCalls.thenApply(failing, s -> {
            throw new AssertionError("not applied to a failure");
        });
        failing.completeExceptionally(new java.util.concurrent.CompletionException(timeout));
        assertSame(timeout, failureOf(notApplied), "unwrapped");

        CompletableFuture<String> named = HttpCalls.mapFailure(
                failing, e -> new LlmException(e.kind(), e.getMessage().replace("the upstream", "the server")));
        LlmException renamed = assertInstanceOf(LlmException.class, failureOf(named));
        assertEquals(ErrorKind.TIMEOUT, renamed.kind());
        assertEquals("the server did not answer in time", renamed.getMessage());

        CompletableFuture<String> inFlight = new CompletableFuture<>();
        HttpCalls.thenApply(inFlight, String::length).cancel(true);
        assertTrue(inFlight.isCancelled(), "cancelling a step cancels the call under it");
        CompletableFuture<String> inFlightToo = new CompletableFuture<>();
        HttpCalls.mapFailure(inFlightToo, e -> e).cancel(true);
        assertTrue(inFlightToo.isCancelled());
    }

    @Test
    void awaitThrowsTheFailureAsIsAndAnInterruptCancels() {
        LlmException failure = new LlmException(ErrorKind.UPSTREAM, "oops");
        assertSame(
                failure,
                assertThrows(LlmException.class, () -> HttpCalls.await(CompletableFuture.failedFuture(failure))));
        CompletableFuture<String> pending = new CompletableFuture<>();
        Thread.currentThread().interrupt();
        LlmException interrupted = assertThrows(LlmException.class, () -> HttpCalls.await(pending));
        assertTrue(Thread.interrupted(), "the interrupt flag is set again (and cleared here)");
        assertEquals(ErrorKind.UNAVAILABLE, interrupted.kind());
        assertTrue(pending.isCancelled());
    }
}
