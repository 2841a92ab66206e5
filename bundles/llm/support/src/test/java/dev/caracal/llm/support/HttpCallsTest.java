package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both transports of {@link HttpCalls#send} under concurrent calls, big bodies and errors. */
class HttpCallsTest {
    private static HttpServer server;
    private static URI base;

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(Executors.newFixedThreadPool(8));
        // echoes the body back reversed, so a mixed-up answer cannot pass for the right one
        server.createContext("/echo", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new StringBuilder(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .reverse()
                        .toString()
                        .getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/fail", exchange -> {
            byte[] body = "{\"error\":\"busy\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    /** Both transports of {@link HttpCalls#newExchanger}. */
    static Exchanger transport(String kind) {
        return kind.equals("jdk")
                ? new JdkExchanger(Duration.ofSeconds(5))
                : new JettyExchanger("test-" + kind, Duration.ofSeconds(5));
    }

    private final List<Exchanger> opened = new ArrayList<>();

    private Exchanger open(String kind) {
        Exchanger http = transport(kind);
        opened.add(http);
        return http;
    }

    @AfterEach
    void closeTransports() {
        opened.forEach(Exchanger::close);
    }

    private static String call(Exchanger http, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpCalls.send(
                http,
                request,
                Duration.ofSeconds(10),
                Secret.of("sk-test"),
                (status, headers, text) ->
                        new LlmException(ErrorKind.UNAVAILABLE, status + " " + text, status, null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "jdk"})
    void concurrentCallsEachGetTheirOwnAnswer(String kind) throws Exception {
        Exchanger http = open(kind);
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 800; i++) {
                String body = "request-" + i + "-" + "x".repeat(i % 97);
                answers.add(callers.submit(() -> call(http, "/echo", body)));
            }
            for (int i = 0; i < answers.size(); i++) {
                String expected = new StringBuilder("request-" + i + "-" + "x".repeat(i % 97))
                        .reverse()
                        .toString();
                assertEquals(expected, answers.get(i).get());
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "jdk"})
    void aMegabyteAnswerArrivesWhole(String kind) {
        Exchanger http = open(kind);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 1 << 20; i++) {
            sb.append(i).append(',');
        }
        String body = sb.toString();
        assertEquals(new StringBuilder(body).reverse().toString(), call(http, "/echo", body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "jdk"})
    void anErrorAnswerIsMappedAndTheClientKeepsWorking(String kind) {
        Exchanger http = open(kind);
        LlmException e = assertThrows(LlmException.class, () -> call(http, "/fail", "{}"));
        assertEquals(503, e.upstreamStatus());
        assertEquals("kO", call(http, "/echo", "Ok"));
    }
}
