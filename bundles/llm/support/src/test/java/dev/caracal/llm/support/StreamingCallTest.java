package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streamed-request machinery against a tiny in-process HTTP server speaking a toy line protocol ("t:<text>" is a
 * text delta, "end" ends the stream, "boom" makes the decoder throw): attempts, retries before the first event, no
 * retry after it, idle timeout, whole-body answers, cancellation and aborts. The providers' tests cover the same
 * machinery against aimock with their real wire formats. Every case runs over both transports ({@link Exchanger}).
 */
class StreamingCallTest {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Handler script;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(HttpCalls.daemonThreads("test-timer"));
    /** The transport under test, one of {@link HttpCallsTest#transport}'s. */
    private Exchanger http;

    private void use(String kind) {
        http = HttpCallsTest.transport(kind);
    }

    @FunctionalInterface
    interface Handler {
        void handle(int request, HttpExchange exchange) throws IOException, InterruptedException;
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(HttpCalls.daemonThreads("test-server")));
        server.createContext("/", exchange -> {
            try (exchange) {
                script.handle(requests.incrementAndGet(), exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException ignored) {
                // the client went away
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
        server.stop(0);
        scheduler.shutdownNow();
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static OutputStream streaming(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    private static void line(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A script that streams "t:first", waits until {@code release} (10 s at most), then streams {@code rest}. */
    private static Handler firstThenHold(CountDownLatch release, String... rest) {
        return (n, exchange) -> {
            OutputStream out = streaming(exchange);
            line(out, "t:first");
            release.await(10, TimeUnit.SECONDS);
            for (String l : rest) {
                line(out, l);
            }
        };
    }

    /** The toy protocol. */
    private StreamingCall.Protocol protocol() {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/stream");
        return new StreamingCall.Protocol() {
            @Override
            public HttpRequest request() {
                return HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build();
            }

            @Override
            public LlmException errorAnswer(int status, HttpHeaders headers, String body) {
                return new LlmException(
                        HttpErrors.kindOfStatus(status),
                        HttpErrors.describe(status, null, null, null, body),
                        status,
                        HttpErrors.retryAfter(headers).orElse(null),
                        null);
            }

            @Override
            public StreamingCall.Decoder decoder(StreamingCall.Sink sink) {
                return new StreamingCall.Decoder() {
                    private boolean started;

                    @Override
                    public void line(String line) {
                        if (!started) {
                            started = true;
                            sink.emit(new StreamEvent.Start("id", "model"));
                        }
                        if (line.startsWith("t:")) {
                            sink.emit(new StreamEvent.TextDelta(0, line.substring(2)));
                        } else if (line.equals("end")) {
                            sink.finish(StopReason.END_TURN);
                        } else if (line.equals("boom")) {
                            throw new IllegalStateException("decoder bug");
                        }
                    }

                    @Override
                    public void end() {}

                    @Override
                    public void wholeBody(String body) {
                        sink.emit(new StreamEvent.Start("whole", "model"));
                        sink.emit(new StreamEvent.TextDelta(0, body));
                        sink.finish(StopReason.MAX_TOKENS);
                    }
                };
            }
        };
    }

    private StreamingCall call(StreamHandler handler, int maxRetries, Delayer delayer, Duration idle) {
        StreamingCall.Context context = new StreamingCall.Context(
                http,
                new RetryPolicy(maxRetries, Duration.ZERO, Duration.ofSeconds(1)),
                delayer,
                scheduler,
                idle,
                Secret.NONE,
                "test",
                null,
                null);
        return new StreamingCall(context, protocol(), handler);
    }

    /** Collects events and checks the one-thread-at-a-time and nothing-after-the-end rules. */
    static class Events implements StreamHandler {
        final List<StreamEvent> events = new CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public synchronized void onEvent(StreamEvent event) {
            if (ended.getCount() == 0) {
                throw new AssertionError("event after the end: " + event);
            }
            events.add(event);
            if (event instanceof StreamEvent.End || event instanceof StreamEvent.Error) {
                ended.countDown();
            }
        }

        Events await() throws InterruptedException {
            if (!ended.await(20, TimeUnit.SECONDS)) {
                fail("no end: " + events);
            }
            return this;
        }

        StreamEvent last() {
            return events.get(events.size() - 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "jdk"})
    void retriesBeforeTheFirstEventThenStreams(String kind) throws Exception {
        use(kind);
        script = (n, exchange) -> {
            if (n == 1) {
                send(exchange, 503, "application/json", "{}");
                return;
            }
            OutputStream out = streaming(exchange);
            line(out, "t:hello");
            line(out, "t: world");
            line(out, "end");
        };
        SupportTests.RecordingDelayer delayer = new SupportTests.RecordingDelayer();
        Events events = new Events();
        call(events, 2, delayer, Duration.ofSeconds(5)).begin();
        events.await();
        assertEquals(
                List.of(
                        new StreamEvent.Start("id", "model"),
                        new StreamEvent.TextDelta(0, "hello"),
                        new StreamEvent.TextDelta(0, " world"),
                        new StreamEvent.End(StopReason.END_TURN)),
                events.events);
        assertEquals(1, delayer.delays.size());
        assertEquals(2, requests.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "jdk"})
    void aCutAfterTheFirstEventIsConnectionAndNotRetried(String kind) throws Exception {
        use(kind);
        script = (n, exchange) -> line(streaming(exchange), "t:partial");
        SupportTests.RecordingDelayer delayer = new SupportTests.RecordingDelayer();
        Events events = new Events();
        call(events, 3, delayer, Duration.ofSeconds(5)).begin();
        events.await();
        assertEquals(3, events.events.size(), events.events.toString());
        assertEquals(
                ErrorKind.CONNECTION,
                assertInstanceOf(StreamEvent.Error.class, events.last()).error().kind());
        assertTrue(delayer.delays.isEmpty());
        assertEquals(1, requests.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "jdk"})
    void exhaustedRetriesAreOneErrorEvent(String kind) throws Exception {
        use(kind);
        script = (n, exchange) -> send(exchange, 429, "application/json", "{\"slow\":\"down\"}");
        Events events = new Events();
        call(events, 2, new SupportTests.RecordingDelayer(), Duration.ofSeconds(5))
                .begin();
        events.await();
        assertEquals(1, events.events.size());
        LlmException e =
                assertInstanceOf(StreamEvent.Error.class, events.last()).error();
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        assertEquals(429, e.upstreamStatus());
        assertEquals(3, requests.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "jdk"})
    void silenceBeyondTheIdleTimeoutIsTimeout(String kind) throws Exception {
        use(kind);
        CountDownLatch release = new CountDownLatch(1);
        script = firstThenHold(release);
        Events events = new Events();
        call(events, 0, Delayer.REAL, Duration.ofMillis(200)).begin();
        events.await();
        release.countDown();
        assertEquals(
                ErrorKind.TIMEOUT,
                assertInstanceOf(StreamEvent.Error.class, events.last()).error().kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "jdk"})
    void aWholeBodyGoesToTheDecoder(String kind) throws Exception {
        use(kind);
        script = (n, exchange) -> send(exchange, 200, "application/json", "everything at once");
        Events events = new Events();
        call(events, 0, Delayer.REAL, Duration.ofSeconds(5)).begin();
        events.await();
        assertEquals(
                List.of(
                        new StreamEvent.Start("whole", "model"),
                        new StreamEvent.TextDelta(0, "everything at once"),
                        new StreamEvent.End(StopReason.MAX_TOKENS)),
                events.events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "jdk"})
    void aDecoderBugIsAnUpstreamError(String kind) throws Exception {
        use(kind);
        script = (n, exchange) -> {
            OutputStream out = streaming(exchange);
            line(out, "t:x");
            line(out, "boom");
        };
        Events events = new Events();
        call(events, 0, Delayer.REAL, Duration.ofSeconds(5)).begin();
        events.await();
        LlmException e =
                assertInstanceOf(StreamEvent.Error.class, events.last()).error();
        assertEquals(ErrorKind.UPSTREAM, e.kind());
        assertTrue(e.getMessage().contains("decoder bug"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "jdk"})
    void cancelAndAbort(String kind) throws Exception {
        use(kind);
        CountDownLatch release = new CountDownLatch(1);
        script = firstThenHold(release, "t:late", "end");
        Events cancelled = new Events();
        StreamingCall first =
                call(cancelled, 0, Delayer.REAL, Duration.ofSeconds(5)).begin();
        waitFor(() -> cancelled.events.size() == 2);
        first.cancel();
        assertTrue(first.isFinished());
        first.abort(new LlmException(ErrorKind.UNAVAILABLE, "gone")); // after a cancel: nothing
        Events aborted = new Events();
        StreamingCall second =
                call(aborted, 0, Delayer.REAL, Duration.ofSeconds(5)).begin();
        waitFor(() -> aborted.events.size() == 2);
        second.abort(new LlmException(ErrorKind.UNAVAILABLE, "provider stopped"));
        aborted.await();
        release.countDown();
        Thread.sleep(100); // give a late line the chance to (wrongly) arrive
        assertEquals(2, cancelled.events.size(), cancelled.events.toString());
        assertEquals(3, aborted.events.size(), aborted.events.toString());
        assertEquals(
                ErrorKind.UNAVAILABLE,
                assertInstanceOf(StreamEvent.Error.class, aborted.last())
                        .error()
                        .kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "jdk"})
    void aThrowingHandlerCancelsTheStream(String kind) throws Exception {
        use(kind);
        CountDownLatch release = new CountDownLatch(1);
        script = firstThenHold(release, "end");
        AtomicInteger calls = new AtomicInteger();
        StreamingCall call = call(
                        event -> {
                            calls.incrementAndGet();
                            throw new IllegalStateException("handler bug");
                        },
                        0,
                        Delayer.REAL,
                        Duration.ofSeconds(5))
                .begin();
        waitFor(call::isFinished);
        release.countDown();
        Thread.sleep(100);
        assertEquals(1, calls.get(), "the handler is not called again after it threw");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "jdk"})
    void aHandlerThatBlocksHoldsUpItsOwnStreamOnly(String kind) throws Exception {
        // more blocked streams than Jetty's client has threads (64): were readers run on its threads, the selector
        // would starve and no other stream of the provider would move
        use(kind);
        script = (n, exchange) -> {
            OutputStream out = streaming(exchange);
            line(out, "t:first");
            line(out, "end");
        };
        int blocked = 80;
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(blocked);
        List<Events> slow = new CopyOnWriteArrayList<>();
        for (int i = 0; i < blocked; i++) {
            Events events = new Events() {
                @Override
                public void onEvent(StreamEvent event) {
                    super.onEvent(event);
                    if (event instanceof StreamEvent.TextDelta) {
                        holding.countDown();
                        try {
                            release.await(20, TimeUnit.SECONDS); // a client that does not read
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
            slow.add(events);
            call(events, 0, Delayer.REAL, Duration.ofSeconds(30)).begin();
        }
        assertTrue(holding.await(20, TimeUnit.SECONDS), "every slow stream delivered its first text");
        Events quick = new Events();
        call(quick, 0, Delayer.REAL, Duration.ofSeconds(30)).begin();
        assertInstanceOf(StreamEvent.End.class, quick.await().last(), quick.events.toString());
        release.countDown();
        for (Events events : slow) {
            assertInstanceOf(StreamEvent.End.class, events.await().last(), events.events.toString());
        }
    }

    @Test
    void failImmediatelyDeliversOneError() {
        List<StreamEvent> events = new CopyOnWriteArrayList<>();
        StreamingCall.failImmediately(events::add, new LlmException(ErrorKind.INVALID_REQUEST, "bad"))
                .cancel();
        assertEquals(1, events.size());
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 400 && !condition.getAsBoolean(); i++) {
            Thread.sleep(25);
        }
        assertTrue(condition.getAsBoolean(), "never happened");
    }
}
