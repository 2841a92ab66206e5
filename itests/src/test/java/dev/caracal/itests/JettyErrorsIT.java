package dev.caracal.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caracal.gateway.testkit.RawHttp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jetty's own answers in the distribution, written byte for byte: requests Jetty's parser refuses are a 4xx in the
 * shape of the surface they were for (problem+json on /api, OpenAI's or Anthropic's envelope on /v1), never HTML or a
 * class name; and from the moment the port opens, /api, /v1, /healthz and /readyz answer either as Caracal or with a
 * 503 and {@code Retry-After: 1} in that shape, never Jetty's HTML 404.
 */
class JettyErrorsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BIG_HEADER = "X-Big: " + "a".repeat(20_000) + "\r\n";
    private static final List<String> WATCHED = List.of("/api/v1/collections", "/v1/models", "/healthz", "/readyz");

    @TempDir
    static Path work;

    static KarafProcess karaf;

    /** Every answer seen while the distribution started: its path and the answer. */
    static final List<Seen> startup = new CopyOnWriteArrayList<>();

    record Seen(String path, RawHttp.Response answer) {}

    @BeforeAll
    static void start() throws Exception {
        karaf = new KarafProcess(work);
        AtomicBoolean starting = new AtomicBoolean(true);
        Thread poller = new Thread(() -> pollWhile(starting), "startup-poller");
        poller.setDaemon(true);
        poller.start();
        try {
            karaf.start();
        } finally {
            starting.set(false);
            poller.join(30_000);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        KarafProcess.closeAll(karaf);
    }

    private static void pollWhile(AtomicBoolean starting) {
        while (starting.get()) {
            for (String path : WATCHED) {
                try {
                    startup.add(new Seen(path, RawHttp.exchange(karaf.httpPort, get(path, ""))));
                } catch (IOException e) {
                    // the port is not open yet
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Test
    void fromThePortOpeningCaracalsPathsAnswerAsCaracalOrA503InShape() throws Exception {
        assertFalse(startup.isEmpty(), "the poller saw no answer while Caracal started");
        int unavailable = 0;
        for (Seen seen : startup) {
            RawHttp.Response answer = seen.answer();
            assertNoLeak(seen.path(), answer);
            assertTrue(isJson(answer), seen.path() + " -> " + answer); // Caracal's answers and the gate's alike
            if ("1".equals(answer.header("retry-after"))) {
                unavailable++;
                if (seen.path().startsWith("/v1")) {
                    assertOpenAi(answer, 503);
                } else {
                    assertProblem(answer, 503);
                }
            }
        }
        // how many 503s the window showed depends on timing: printed, not asserted
        System.out.println("startup answers: " + startup.size() + ", of which 503 with Retry-After: " + unavailable);
    }

    @Test
    void aRequestLineWithoutVersionIsA400NotA505() throws Exception {
        assertProblem(exchange("GET /api/v1/collections\r\n\r\n"), 400);
        assertOpenAi(exchange("GET /v1/models\r\n\r\n"), 400);
        assertAnthropic(exchange("POST /v1/messages\r\n\r\n"), 400);
        assertStillReady();
    }

    @Test
    void aBadEscapeInThePathIsA400InShape() throws Exception {
        assertProblem(exchange(get("/api/v1/collections/%zz", "")), 400);
        assertOpenAi(exchange(get("/v1/chat/%zzcompletions", "")), 400);
        assertAnthropic(exchange(get("/v1/mod%zzels", "anthropic-version: 2023-06-01\r\n")), 400);
        assertStillReady();
    }

    @Test
    void aTwentyKilobyteHeaderIsA431InShape() throws Exception {
        assertProblem(exchange(get("/api/v1/collections", BIG_HEADER)), 431);
        assertOpenAi(exchange(post("/v1/chat/completions", BIG_HEADER)), 431);
        assertAnthropic(exchange(post("/v1/messages", BIG_HEADER)), 431);
        assertStillReady();
    }

    @Test
    void aGarbageRequestLineIsA400Problem() throws Exception {
        assertProblem(exchange("\u0001\u0002GARBAGE\r\n\r\n"), 400);
        assertProblem(exchange("GET  HTTP/1.1 x y\r\n\r\n"), 400);
        assertProblem(exchange("GET /api/v1/collections HTTP/7.3\r\nHost: x\r\n\r\n"), 400);
        assertStillReady();
    }

    @Test
    void malformedChunkingIsA400InShape() throws Exception {
        String chunked = "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n";
        String badBody = "zz\r\n{}\r\n0\r\n\r\n";
        assertProblem(exchange(post("/api/v1/collections", chunked) + badBody), 400);
        assertOpenAi(exchange(post("/v1/chat/completions", chunked) + badBody), 400);
        assertStillReady();
    }

    private static final String AUTH = "Authorization: Bearer " + CaracalTestSupport.ADMIN_KEY + "\r\n";

    private static String get(String target, String headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + AUTH + headers + "Connection: close\r\n\r\n";
    }

    private static String post(String target, String headers) {
        return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\n" + AUTH + headers + "Connection: close\r\n\r\n";
    }

    private static RawHttp.Response exchange(String request) throws IOException {
        return RawHttp.exchange(karaf.httpPort, request);
    }

    private static void assertStillReady() throws Exception {
        assertEquals(200, karaf.get("/readyz").statusCode());
    }

    private static void assertProblem(RawHttp.Response answer, int status) throws IOException {
        assertShape(answer, status, "application/problem+json");
        JsonNode json = JSON.readTree(answer.body());
        assertTrue(json.path("type").asText().startsWith("urn:caracal:problem:"), answer.body());
        assertFalse(json.path("title").asText().isBlank(), answer.body());
        assertEquals(status, json.path("status").asInt(), answer.body());
        assertFalse(json.path("detail").asText().isBlank(), answer.body());
    }

    private static void assertOpenAi(RawHttp.Response answer, int status) throws IOException {
        assertShape(answer, status, "application/json");
        JsonNode error = JSON.readTree(answer.body()).path("error");
        assertFalse(error.path("message").asText().isBlank(), answer.body());
        assertEquals(
                status < 500 ? "invalid_request_error" : "server_error",
                error.path("type").asText());
        assertTrue(error.has("param") && error.has("code"), answer.body());
    }

    private static void assertAnthropic(RawHttp.Response answer, int status) throws IOException {
        assertShape(answer, status, "application/json");
        JsonNode json = JSON.readTree(answer.body());
        assertEquals("error", json.path("type").asText(), answer.body());
        assertEquals("invalid_request_error", json.path("error").path("type").asText(), answer.body());
        assertFalse(json.path("error").path("message").asText().isBlank(), answer.body());
    }

    private static void assertShape(RawHttp.Response answer, int status, String mediaType) {
        assertEquals(status, answer.status(), answer.toString());
        String type = answer.header("content-type");
        assertTrue(type != null && type.startsWith(mediaType), answer.toString());
        assertNoLeak("", answer);
    }

    private static void assertNoLeak(String path, RawHttp.Response answer) {
        for (String leak : List.of("org.eclipse", "java.", "Exception", "<html", "<h1>")) {
            assertFalse(answer.body().contains(leak), path + " -> " + answer);
        }
        String type = answer.header("content-type");
        assertFalse(type != null && type.startsWith("text/html"), path + " -> " + answer);
    }

    private static boolean isJson(RawHttp.Response answer) {
        String type = answer.header("content-type");
        return type != null && type.contains("json");
    }
}
