package dev.caracal.http.jetty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The error handler, connections and path gate on a plain Jetty server, set up as this fragment's {@code jetty.xml}
 * sets up Pax Web's: the error handler set and the gate inserted, connectors added afterwards and before the start.
 * One context serves {@code /served}; there is no root context, as at startup before Caracal's is registered.
 */
class JettyErrorAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BIG_HEADER = "X-Big: " + "a".repeat(20_000) + "\r\n";

    static Server server;
    static int port;

    static int port() {
        return port;
    }

    @BeforeAll
    static void start() throws Exception {
        server = new Server();
        server.setErrorHandler(new CaracalErrorHandler());
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(0);
        server.addConnector(connector);
        ContextHandler served = new ContextHandler("/served");
        served.setHandler(new org.eclipse.jetty.server.handler.AbstractHandler() {
            @Override
            public void handle(
                    String target,
                    org.eclipse.jetty.server.Request base,
                    javax.servlet.http.HttpServletRequest request,
                    javax.servlet.http.HttpServletResponse response)
                    throws IOException {
                response.setStatus(200);
                response.getWriter().write("ok");
                base.setHandled(true);
            }
        });
        server.setHandler(new ContextHandlerCollection(served));
        server.insertHandler(new CaracalPathGate());
        server.start();
        port = connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    @Test
    void aRequestLineWithoutVersionIsA400InThePathsShape() throws Exception {
        Answer api = exchange("GET /api/v1/collections\r\n\r\n");
        assertProblem(api, 400);
        assertTrue(api.json().get("detail").asText().contains("no HTTP version"), api.body);

        assertOpenAi(exchange("GET /v1/models\r\n\r\n"), 400);
        assertAnthropic(exchange("POST /v1/messages\r\n\r\n"), 400);
    }

    @Test
    void anUnknownVersionIsA400NotA505() throws Exception {
        assertProblem(exchange("GET /api/v1/collections HTTP/7.3\r\nHost: x\r\n\r\n"), 400);
    }

    @Test
    void aBadEscapeIsA400NamingIt() throws Exception {
        Answer api = exchange("GET /api/v1/collections/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertProblem(api, 400);
        assertTrue(api.json().get("detail").asText().contains("percent-escape"), api.body);

        assertAnthropic(
                exchange("GET /v1/mod%zzels HTTP/1.1\r\nHost: x\r\nanthropic-version: 2023-06-01\r\n"
                        + "Connection: close\r\n\r\n"),
                400);
        assertOpenAi(
                exchange("PUT /v1/%zz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), 400);
    }

    @Test
    void headersTooLargeAre431InThePathsShape() throws Exception {
        assertProblem(exchange("GET /api/v1/collections HTTP/1.1\r\nHost: x\r\n" + BIG_HEADER + "\r\n"), 431);
        assertOpenAi(exchange("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + BIG_HEADER + "\r\n"), 431);
        assertAnthropic(exchange("POST /v1/chat HTTP/1.1\r\nanthropic-version: 1\r\n" + BIG_HEADER + "\r\n"), 431);
    }

    @Test
    void aGarbageRequestLineIsAProblem400() throws Exception {
        assertProblem(exchange("\u0001\u0002GARBAGE LINE\r\n\r\n"), 400);
        assertProblem(exchange("GET  HTTP/1.1 x y\r\n\r\n"), 400);
    }

    @Test
    void caracalsPathsWithoutTheirContextAre503WithRetryAfter() throws Exception {
        for (String path : new String[] {"/api/v1/collections", "/healthz", "/readyz"}) {
            Answer answer = exchange("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertProblem(answer, 503);
            assertEquals("1", answer.headers.get("retry-after"), path);
        }
        Answer openAi = exchange(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n" + "Connection: close\r\n\r\n");
        assertOpenAi(openAi, 503);
        assertEquals("1", openAi.headers.get("retry-after"));
        Answer anthropic = exchange("GET /v1/models HTTP/1.1\r\nHost: x\r\nanthropic-version: 2023-06-01\r\n"
                + "Connection: close\r\n\r\n");
        assertAnthropic(anthropic, 503);
        assertEquals("1", anthropic.headers.get("retry-after"));
    }

    @Test
    void otherPathsWithoutAContextAre404AndServedPathsAreServed() throws Exception {
        Answer other = exchange("GET /elsewhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertProblem(other, 404);
        assertEquals(null, other.headers.get("retry-after"));
        Answer served = exchange("GET /served/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(200, served.status);
        assertEquals("ok", served.body);
    }

    private static void assertProblem(Answer answer, int status) throws IOException {
        assertShape(answer, status, "application/problem+json");
        JsonNode json = answer.json();
        assertEquals(status, json.get("status").asInt(), answer.body);
        assertTrue(json.get("type").asText().startsWith("urn:caracal:problem:"), answer.body);
        assertTrue(json.hasNonNull("title") && json.hasNonNull("detail"), answer.body);
    }

    private static void assertOpenAi(Answer answer, int status) throws IOException {
        assertShape(answer, status, "application/json");
        JsonNode error = answer.json().get("error");
        assertTrue(error.hasNonNull("message") && error.hasNonNull("type"), answer.body);
        assertTrue(error.has("param") && error.has("code"), answer.body);
    }

    private static void assertAnthropic(Answer answer, int status) throws IOException {
        assertShape(answer, status, "application/json");
        JsonNode json = answer.json();
        assertEquals("error", json.get("type").asText(), answer.body);
        assertTrue(json.get("error").hasNonNull("type") && json.get("error").hasNonNull("message"), answer.body);
    }

    private static void assertShape(Answer answer, int status, String mediaType) {
        assertEquals(status, answer.status, answer.toString());
        assertTrue(answer.headers.getOrDefault("content-type", "").startsWith(mediaType), answer.toString());
        for (String leak : new String[] {"org.eclipse", "java.", "Exception", "<h1>", "<html"}) {
            assertFalse(answer.body.contains(leak), answer.toString());
        }
    }

    record Answer(int status, Map<String, String> headers, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    /** Writes {@code request} byte for byte and reads until the server closes (it does after each of these). */
    static Answer exchange(String request) throws IOException {
        return exchange(port, request);
    }

    static Answer exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String text = new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, Math.max(end, 0)).split("\r\n");
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            int status = end < 0 ? 0 : Integer.parseInt(lines[0].split(" ")[1]);
            return new Answer(status, headers, end < 0 ? text : text.substring(end + 4));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // a reset after the answer: keep what arrived
        }
        return out.toByteArray();
    }
}
