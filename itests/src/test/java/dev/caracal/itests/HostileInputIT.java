package dev.caracal.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;

/**
 * Thousands of generated malformed and hostile requests against every endpoint of the distribution: truncated JSON,
 * wrong types in every field, huge and negative numbers, deep nesting, NUL bytes, path traversal in names and ids,
 * wrong content types, invalid UTF-8, malformed chunking. Every answer must be below 500 and free of Java class names
 * and stack traces, and the server must be ready and its data intact afterwards. The generator is seeded: a failure
 * names the seed and the request, so it can be replayed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HostileInputIT extends CaracalTestSupport {
    static final long SEED = Long.getLong("caracal.fuzz.seed", 20261206L);
    static final int ROUNDS = Integer.getInteger("caracal.fuzz.rounds", 250);
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** An endpoint and a valid body to mutate (null: the endpoint takes none). */
    record Endpoint(String method, String path, String body, String... headers) {}

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint(
                    "POST",
                    "/api/v1/collections",
                    "{\"name\":\"fz2\",\"dimension\":4,\"metric\":\"cosine\","
                            + "\"index\":{\"type\":\"hnsw\",\"m\":8}}"),
            new Endpoint(
                    "PUT",
                    "/api/v1/collections/fz/records",
                    "{\"records\":[{\"id\":\"n1\","
                            + "\"vector\":[0.1,0.2,0.3,0.4],\"metadata\":{\"lang\":\"en\",\"year\":2001},\"text\":\"hi\","
                            + "\"edges\":[{\"target\":\"r1\",\"type\":\"cites\",\"weight\":0.5}]}]}"),
            new Endpoint(
                    "POST",
                    "/api/v1/collections/fz/search",
                    "{\"vector\":[0.1,0.2,0.3,0.4],\"k\":3,"
                            + "\"filter\":{\"and\":[{\"in\":{\"lang\":[\"en\",\"fr\"]}},{\"range\":{\"year\":{\"gte\":1990}}}]},"
                            + "\"params\":{\"ef\":16},\"includeVectors\":false}"),
            new Endpoint(
                    "POST",
                    "/api/v1/collections/fz/search",
                    "{\"text\":\"hello\",\"mode\":\"hybrid\",\"k\":2,"
                            + "\"fusion\":{\"method\":\"rrf\",\"rrf_k\":60}}"),
            new Endpoint("POST", "/api/v1/collections/fz/records", "{\"ids\":[\"n1\",\"n2\"]}"),
            new Endpoint("PUT", "/api/v1/collections/fz/index", "{\"type\":\"hnsw\",\"m\":12,\"efConstruction\":64}"),
            new Endpoint(
                    "POST",
                    "/v1/chat/completions",
                    "{\"model\":\"fuzz-no-such-model\",\"messages\":[{\"role\":"
                            + "\"user\",\"content\":\"hi\"}],\"max_tokens\":5,\"temperature\":0.5,\"tools\":[{\"type\":"
                            + "\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]}"),
            new Endpoint(
                    "POST",
                    "/v1/messages",
                    "{\"model\":\"fuzz-no-such-model\",\"max_tokens\":5,\"messages\":"
                            + "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"system\":\"s\"}",
                    "anthropic-version",
                    "2023-06-01"),
            new Endpoint("POST", "/v1/embeddings", "{\"model\":\"fuzz-no-such-model\",\"input\":[\"a\",\"b\"]}"),
            new Endpoint("GET", "/api/v1/collections", null),
            new Endpoint("GET", "/api/v1/collections/fz", null),
            new Endpoint("GET", "/api/v1/collections/fz/records/r1", null),
            new Endpoint("GET", "/v1/models", null),
            new Endpoint("GET", "/v1/models", null, "anthropic-version", "2023-06-01"));

    static final String[] HOSTILE_SEGMENTS = {
        "..",
        "%2e%2e",
        "..%2f..%2fetc%2fpasswd",
        "a%00b",
        "%C0%AE%C0%AE",
        "x".repeat(3000),
        "%E5%90%8D%E5%89%8D",
        "a%20b",
        "%7B%7D",
        "-",
        "_",
        "%FF%FE"
    };

    private final Random random = new Random(SEED);
    private final List<String> failures = new ArrayList<>();
    private int sent;

    @Test
    public void hostileRequestsNeverCauseA5xxOrLeakInternals() throws Exception {
        awaitReady();
        assertEquals(
                201,
                post("/api/v1/collections", "{\"name\":\"fz\",\"dimension\":4,\"metric\":\"cosine\"}")
                        .status());
        assertEquals(
                200,
                put(
                                "/api/v1/collections/fz/records",
                                "{\"records\":[{\"id\":\"r1\","
                                        + "\"vector\":[1,0,0,0],\"metadata\":{\"lang\":\"en\",\"year\":1999}}]}")
                        .status());

        for (int round = 0; round < ROUNDS; round++) {
            for (Endpoint e : ENDPOINTS) {
                if (e.body() != null) {
                    send(e, e.path(), mutate(e.body()).getBytes(StandardCharsets.UTF_8), "application/json");
                }
                if (round % 5 == 0) {
                    send(
                            e,
                            hostilePath(e.path()),
                            e.body() == null ? null : e.body().getBytes(StandardCharsets.UTF_8),
                            "application/json");
                }
                if (round % 10 == 0 && e.body() != null) {
                    send(e, e.path(), randomBytes(), randomContentType());
                    chunked(e, round % 20 == 0 ? "zz\r\n{}\r\n0\r\n\r\n" : "5\r\n{\"a\":\r\n");
                }
            }
        }
        assertTrue(
                failures.size() + " of " + sent + " requests failed (seed " + SEED + "):\n"
                        + String.join("\n", failures.subList(0, Math.min(20, failures.size()))),
                failures.isEmpty());
        System.out.println("hostile input: " + sent + " requests, none answered 5xx (seed " + SEED + ")");

        assertEquals(200, get("/readyz").status());
        JsonNode record = get("/api/v1/collections/fz/records/r1").json();
        assertEquals("r1", record.get("id").asText());
    }

    /**
     * A failure inside Caracal's context (a servlet that throws) is answered by its error page in the surface's shape,
     * with an incident id and nothing of the exception; an unknown /v1 path is a 404 in the vendor's envelope.
     */
    @Test
    public void failuresInsideTheContextAreAnsweredInShapeWithoutDetails() throws Exception {
        awaitReady();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("osgi.http.whiteboard.servlet.pattern", new String[] {"/api/v1/boom/*", "/v1/boom/*"});
        properties.put("osgi.http.whiteboard.context.select", "(osgi.http.whiteboard.context.name=caracal)");
        ServiceRegistration<Servlet> registration =
                bundleContext.registerService(Servlet.class, new ThrowingServlet(), properties);
        try {
            eventually(
                    30,
                    "the throwing servlet is deployed",
                    () -> get("/api/v1/boom/x").status() == 500);
            Reply api = get("/api/v1/boom/x");
            assertTrue(api.toString(), api.contentType().startsWith("application/problem+json"));
            assertTrue(api.toString(), api.json().get("detail").asText().contains("incident"));
            Reply openai = get("/v1/boom/x");
            assertEquals(
                    openai.toString(),
                    "server_error",
                    openai.json().at("/error/type").asText());
            Reply anthropic = call("GET", "/v1/boom/x", null, "anthropic-version", "2023-06-01");
            assertEquals(
                    anthropic.toString(),
                    "api_error",
                    anthropic.json().at("/error/type").asText());
            for (Reply r : new Reply[] {api, openai, anthropic}) {
                assertEquals(r.toString(), 500, r.status());
                for (String leak : new String[] {"java.", "Exception", "secret", "\tat ", "org.eclipse"}) {
                    assertTrue(r.toString(), !r.body().contains(leak));
                }
            }
        } finally {
            registration.unregister();
        }
        Reply unknown = get("/v1/assistants"); // a path of OpenAI's this gateway does not serve
        assertEquals(unknown.toString(), 404, unknown.status());
        assertTrue(
                unknown.toString(), unknown.json().at("/error/message").asText().contains("/v1/assistants"));
    }

    /** Fails as a bug would. */
    static final class ThrowingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) {
            throw new IllegalStateException("secret internals of java.lang");
        }
    }

    private void send(Endpoint e, String path, byte[] body, String contentType) throws Exception {
        sent++;
        Reply r = body == null
                ? raw(e.method(), path, new byte[0], null, e.headers())
                : raw(e.method(), path, body, contentType, e.headers());
        check(e.method() + " " + path + " " + preview(body), r);
    }

    private void chunked(Endpoint e, String chunks) throws Exception {
        sent++;
        String head = e.method() + " " + e.path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + ADMIN_KEY + "\r\n"
                + headerLines(e.headers()) + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        check(
                e.method() + " " + e.path() + " chunked " + chunks.replace("\r\n", "\\r\\n"),
                exchange((head + chunks).getBytes(StandardCharsets.ISO_8859_1)));
    }

    private void check(String what, Reply r) {
        String body = r.body() == null ? "" : r.body();
        if (r.status() >= 500 || r.status() < 100) {
            failures.add(r.status() + " for " + what + ": " + preview(body.getBytes(StandardCharsets.UTF_8)));
        }
        for (String leak :
                new String[] {"com.fasterxml", "java.lang", "java.io", "org.eclipse", "Exception", "\tat "}) {
            if (body.contains(leak)) {
                failures.add("'" + leak + "' in the answer to " + what + ": " + body);
            }
        }
    }

    /** Sends {@code body} with a declared length on a socket of its own, whatever the target looks like. */
    private static Reply raw(String method, String path, byte[] body, String contentType, String... headers)
            throws Exception {
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN_KEY
                + "\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + headerLines(headers) + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.UTF_8);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return exchange(request);
    }

    private static Reply exchange(byte[] request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(System.getProperty("caracal.test.http.port")))) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            socket.shutdownOutput(); // a body cut short ends here, as a client that went away
            byte[] answer = socket.getInputStream().readAllBytes();
            String text = new String(answer, StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/") || end < 0) {
                return new Reply(0, "", text);
            }
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            String[] lines = text.substring(0, end).split("\r\n");
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).trim(),
                        lines[i].substring(colon + 1).trim());
            }
            return new Reply(
                    Integer.parseInt(lines[0].split(" ")[1]),
                    headers.getOrDefault("Content-Type", ""),
                    text.substring(end + 4));
        }
    }

    private static String headerLines(String... headers) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            out.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        return out.toString();
    }

    // ---- generators

    /** One mutation of a valid body: truncated, a value replaced, a member removed or added, or wrapped. */
    String mutate(String valid) throws Exception {
        switch (random.nextInt(6)) {
            case 0:
                return valid.substring(0, random.nextInt(valid.length()));
            case 1:
                return "[" + valid + "]";
            case 2:
                return random.nextBoolean() ? "[".repeat(2000 + random.nextInt(3000)) : "{\"a\":" + "[".repeat(1500);
            default:
                JsonNode tree = JSON.readTree(valid);
                List<ContainerNode<?>> containers = new ArrayList<>();
                collect(tree, containers);
                ContainerNode<?> target = containers.get(random.nextInt(containers.size()));
                edit(target);
                return JSON.writeValueAsString(tree);
        }
    }

    private void edit(ContainerNode<?> target) {
        if (target instanceof ObjectNode object && object.size() > 0) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(3)) {
                case 0 -> object.remove(name);
                case 1 -> object.set("unknown_" + random.nextInt(100), hostileValue());
                default -> object.set(name, hostileValue());
            }
        } else if (target instanceof ArrayNode array) {
            if (array.size() > 0 && random.nextBoolean()) {
                array.set(random.nextInt(array.size()), hostileValue());
            } else {
                array.add(hostileValue());
            }
        }
    }

    private static void collect(JsonNode node, List<ContainerNode<?>> out) {
        if (node instanceof ContainerNode<?> container) {
            out.add(container);
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collect(it.next(), out);
            }
        }
    }

    JsonNode hostileValue() {
        switch (random.nextInt(16)) {
            case 0:
                return NODES.textNode("");
            case 1:
                return NODES.textNode("\u0000\u0001nul");
            case 2:
                return NODES.textNode("x".repeat(70_000));
            case 3:
                return NODES.numberNode(-1);
            case 4:
                return NODES.numberNode(0);
            case 5:
                return NODES.numberNode(1e308);
            case 6:
                return NODES.numberNode(-1e308);
            case 7:
                return NODES.numberNode(Long.MAX_VALUE);
            case 8:
                return NODES.numberNode(new java.math.BigInteger("1" + "0".repeat(400)));
            case 9:
                return NODES.numberNode(2.5);
            case 10:
                return NODES.booleanNode(random.nextBoolean());
            case 11:
                return NODES.nullNode();
            case 12:
                return NODES.arrayNode();
            case 13:
                return NODES.objectNode();
            case 14:
                return NODES.textNode("../../../../etc/passwd");
            default:
                ArrayNode deep = NODES.arrayNode();
                ArrayNode at = deep;
                for (int i = 0; i < 300; i++) {
                    at = at.addArray();
                }
                return deep;
        }
    }

    String hostilePath(String path) {
        String[] parts = path.split("/");
        int at = 3 + random.nextInt(Math.max(1, parts.length - 3));
        if (at >= parts.length) {
            return path + "/" + HOSTILE_SEGMENTS[random.nextInt(HOSTILE_SEGMENTS.length)];
        }
        parts[at] = HOSTILE_SEGMENTS[random.nextInt(HOSTILE_SEGMENTS.length)];
        return String.join("/", parts) + (random.nextInt(4) == 0 ? "?%zz=1&limit=-5" : "");
    }

    byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(2048)];
        random.nextBytes(bytes);
        return bytes;
    }

    String randomContentType() {
        String[] types = {
            "text/plain",
            "application/xml",
            "application/json; charset=utf-16",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
            null
        };
        return types[random.nextInt(types.length)];
    }

    static String preview(byte[] body) {
        if (body == null) {
            return "";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
