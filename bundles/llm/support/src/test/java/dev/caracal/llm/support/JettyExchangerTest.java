package dev.caracal.llm.support;

import static dev.caracal.llm.support.SupportTests.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Jetty's client as the providers' transport, against a raw HTTP/1.1 server that shows every byte it receives and can
 * close a keep-alive connection under a request, as upstreams do when an idle connection times out.
 */
class JettyExchangerTest {
    private static final HttpCalls.ErrorMapper ERRORS = (status, headers, body) -> new LlmException(
            HttpErrors.kindOfStatus(status),
            "answered " + status + " (retry-after "
                    + headers.firstValue("Retry-After").orElse("-") + "): " + body,
            status,
            null,
            null);

    private final JettyExchanger http = new JettyExchanger("test-jetty", Duration.ofSeconds(5));
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(HttpCalls.daemonThreads("test-timer"));
    private RawServer server;

    @AfterEach
    void stop() throws IOException {
        http.close();
        timer.shutdownNow();
        if (server != null) {
            server.close();
        }
    }

    private HttpRequest post(String body) {
        return HttpRequest.newBuilder(server.uri())
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer sk-test")
                .header("User-Agent", "caracal-test")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** How an asynchronous call of {@code request} failed. */
    private Throwable asyncFailure(HttpRequest request, Secret secret) {
        return failureOf(HttpCalls.sendAsync(http, request, Duration.ofSeconds(10), secret, ERRORS, timer));
    }

    private String send(HttpRequest request) {
        return HttpCalls.send(http, request, Duration.ofSeconds(10), Secret.of("sk-test"), ERRORS);
    }

    @Test
    void theRequestGoesOutAsTheProviderMadeItAndNothingMore() throws Exception {
        server = new RawServer((request, n) -> n == 1 ? "200 {\"ok\":1}" : null);
        assertEquals("{\"ok\":1}", send(post("{\"q\":\"é\"}")));
        String head = server.requests.get(0).toLowerCase(Locale.ROOT);
        assertTrue(head.startsWith("post / http/1.1\r\n"), head);
        assertTrue(head.contains("\r\ncontent-type: application/json\r\n"), head);
        assertTrue(head.contains("\r\nauthorization: bearer sk-test\r\n"), head);
        assertTrue(head.contains("\r\nuser-agent: caracal-test\r\n"), head);
        assertTrue(head.contains("\r\ncontent-length: 10\r\n"), head);
        assertFalse(head.contains("accept-encoding"), "no header of the client's own: " + head);
        assertFalse(head.contains("jetty"), head);
        assertTrue(head.endsWith("\r\n\r\n{\"q\":\"é\"}"), head);
    }

    @Test
    void aRequestWrittenOnAConnectionTheUpstreamClosesIsSentOnceMore() {
        // the first request is answered on a keep-alive connection; the second, written on it, finds it closing
        server = new RawServer((request, n) -> n == 1 ? "200 first" : n == 2 ? null : "200 second");
        assertEquals("first", send(post("{}")));
        assertEquals("second", send(post("{}")));
        assertEquals(3, server.requests.size(), "sent once more, on a new connection");
        assertEquals(2, server.connections.get());
    }

    @Test
    void aStreamWrittenOnAConnectionTheUpstreamClosesIsSentOnceMore() throws Exception {
        server = new RawServer((request, n) ->
                n == 1 ? "200 first" : n == 2 ? null : "200 data: a\rdata: b\nlast\r\nContent-Type: text/event-stream");
        assertEquals("first", send(post("{}")));
        Lines lines = new Lines();
        http.stream(post("{}"), lines);
        assertEquals(List.of("head 200 text/event-stream", "data: a", "data: b", "last", "end"), lines.await());
        assertEquals(3, server.requests.size(), "sent once more, on a new connection");
    }

    @Test
    void aStreamsErrorAnswerIsReadWhole() throws Exception {
        server = new RawServer((request, n) -> "503 {\"error\":\"busy\"}\r\nContent-Type: application/json");
        Lines lines = new Lines();
        http.stream(post("{}"), lines);
        assertEquals(List.of("head 503 application/json", "whole {\"error\":\"busy\"}"), lines.await());
    }

    @Test
    void aCancelledStreamClosesItsConnection() throws Exception {
        // the answer promises more than it sends: only a cancel ends the exchange
        server = new RawServer((request, n) -> "200 data: a\n\r\nContent-Type: text/event-stream", 100);
        Lines lines = new Lines();
        Exchanger.Reading reading = http.stream(post("{}"), lines);
        for (int i = 0; i < 200 && lines.seen.size() < 2; i++) {
            Thread.sleep(25);
        }
        assertEquals(List.of("head 200 text/event-stream", "data: a"), List.copyOf(lines.seen));
        reading.cancel();
        List<String> seen = lines.await();
        assertTrue(seen.get(seen.size() - 1).startsWith("failed CancellationException"), seen.toString());
    }

    /** Records what a stream's reader is told, one entry a call. */
    static final class Lines implements Exchanger.LineReader {
        final List<String> seen = new CopyOnWriteArrayList<>();
        private final java.util.concurrent.CountDownLatch over = new java.util.concurrent.CountDownLatch(1);

        @Override
        public boolean head(java.net.http.HttpResponse.ResponseInfo head) {
            String type = head.headers().firstValue("content-type").orElse("-");
            seen.add("head " + head.statusCode() + " " + type);
            return head.statusCode() == 200;
        }

        @Override
        public void line(String line) {
            seen.add(line);
        }

        @Override
        public void end() {
            seen.add("end");
            over.countDown();
        }

        @Override
        public void whole(String body) {
            seen.add("whole " + body);
            over.countDown();
        }

        @Override
        public void failed(Throwable failure) {
            seen.add("failed " + failure.getClass().getSimpleName());
            over.countDown();
        }

        List<String> await() throws InterruptedException {
            assertTrue(over.await(10, TimeUnit.SECONDS), "the stream never ended: " + seen);
            return List.copyOf(seen);
        }
    }

    @Test
    void aRequestOnANewConnectionThatEndsBeforeAnAnswerIsNotSentAgain() {
        // the upstream's own failure: the provider's retry policy judges it, with its back-off
        server = new RawServer((request, n) -> null);
        LlmException e = assertInstanceOf(LlmException.class, asyncFailure(post("{}"), Secret.of("sk-test")));
        assertEquals(ErrorKind.CONNECTION, e.kind());
        assertEquals(1, server.requests.size());
    }

    @Test
    void aResentRequestThatFailsOnANewConnectionIsTheCallsFailure() {
        server = new RawServer((request, n) -> n == 1 ? "200 first" : null);
        assertEquals("first", send(post("{}")));
        LlmException e = assertInstanceOf(LlmException.class, asyncFailure(post("{}"), Secret.of("sk-test")));
        assertEquals(ErrorKind.CONNECTION, e.kind());
        assertEquals(3, server.requests.size(), "the first request, the one on the stale connection, its one resend");
    }

    @Test
    void aSilentAnswerIsNotCutByThePoolsIdleTimeout() throws Exception {
        // the upstream thinks for longer than a pooled connection may stay idle: the call still gets its answer
        try (JettyExchanger quick = new JettyExchanger("test-quick", Duration.ofSeconds(5), 200)) {
            server = new RawServer((request, n) -> {
                try {
                    Thread.sleep(600);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "200 thought";
            });
            assertEquals("thought", HttpCalls.send(quick, post("{}"), Duration.ofSeconds(10), Secret.NONE, ERRORS));
        }
    }

    @Test
    void anErrorAnswerReachesTheMapperWithItsHeaders() {
        server = new RawServer((request, n) -> "429 {\"error\":\"slow down\"}\r\nRetry-After: 7");
        LlmException e = assertInstanceOf(LlmException.class, asyncFailure(post("{}"), Secret.NONE));
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        assertEquals("answered 429 (retry-after 7): {\"error\":\"slow down\"}", e.getMessage());
    }

    @Test
    void a401WithoutAChallengeIsTheProvidersToMap() {
        server = new RawServer((request, n) -> "401 {\"error\":\"bad key\"}");
        LlmException e = assertThrows(LlmException.class, () -> send(post("{}")));
        assertEquals(ErrorKind.AUTHENTICATION, e.kind());
        assertEquals("answered 401 (retry-after -): {\"error\":\"bad key\"}", e.getMessage());
    }

    @Test
    void aBodyThatIsNotInMemoryIsRefusedBeforeAnythingIsSent() {
        server = new RawServer((request, n) -> "200 never");
        Flow.Publisher<ByteBuffer> later = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {} // publishes nothing now

            @Override
            public void cancel() {}
        });
        HttpRequest request = HttpRequest.newBuilder(server.uri())
                .POST(HttpRequest.BodyPublishers.fromPublisher(later))
                .build();
        Throwable failure = failureOf(http.exchange(request, Secret.NONE, ERRORS));
        assertInstanceOf(IllegalArgumentException.class, failure);
        assertEquals(0, server.requests.size());
    }

    /** Answers what {@code script} says for the n-th request (1-based): "STATUS BODY[\r\nHeader: v]", or null to close. */
    @FunctionalInterface
    interface Script {
        String answer(String request, int n);
    }

    /** A one-connection-at-a-time HTTP/1.1 server on a raw socket, recording each request's bytes. */
    static final class RawServer implements AutoCloseable {
        final List<String> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket socket;
        private final Thread thread;
        private final int missing;

        RawServer(Script script) {
            this(script, 0);
        }

        /** Each answer's Content-Length promises {@code missing} bytes more than its body has. */
        RawServer(Script script, int missing) {
            this.missing = missing;
            try {
                socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            thread = new Thread(() -> serve(script), "raw-server");
            thread.setDaemon(true);
            thread.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
        }

        private void serve(Script script) {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    connections.incrementAndGet();
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    while (true) {
                        String request = readRequest(in);
                        if (request == null) {
                            break;
                        }
                        requests.add(request);
                        String answer = script.answer(request, requests.size());
                        if (answer == null) {
                            break; // close the connection under the request
                        }
                        String[] lines = answer.split("\r\n", 2);
                        String[] statusAndBody = lines[0].split(" ", 2);
                        byte[] body = statusAndBody[1].getBytes(StandardCharsets.UTF_8);
                        String head =
                                "HTTP/1.1 " + statusAndBody[0] + " X\r\nContent-Length: " + (body.length + missing)
                                        + "\r\n" + (lines.length > 1 ? lines[1] + "\r\n" : "") + "\r\n";
                        out.write(head.getBytes(StandardCharsets.UTF_8));
                        out.write(body);
                        out.flush();
                    }
                } catch (IOException e) {
                    // closed by the test, or the client went away
                }
            }
        }

        /** One request's head and body as received, or null at the end of the connection. */
        private static String readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int b;
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            while (matched < 4 && (b = in.read()) >= 0) {
                bytes.write(b);
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            if (matched < 4) {
                return null;
            }
            String head = bytes.toString(StandardCharsets.UTF_8);
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            bytes.write(in.readNBytes(length));
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
