package dev.caracal.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.http.RequestGuard;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Locale;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The REST API of the assembled distribution: boot and health, collections, records, text and vector search with
 * filters, and every kind of bad input answered with a 4xx problem that names the field.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class VectorApiIT extends CaracalTestSupport {

    @Inject
    ConfigurationAdmin configAdmin;

    private static boolean ready;

    private static synchronized void ready() throws Exception {
        if (!ready) {
            awaitReady();
            ready = true;
        }
    }

    @Test
    public void healthAndReadiness() throws Exception {
        ready();
        Reply health = get("/healthz");
        assertEquals(health.toString(), 200, health.status());
        assertEquals("UP", health.json().get("status").asText());
        Reply readyz = get("/readyz");
        assertEquals(200, readyz.status());
        assertTrue(readyz.json().get("ready").asBoolean());
        java.util.Map<String, String> checks = new java.util.HashMap<>();
        for (JsonNode c : readyz.json().get("checks")) {
            checks.put(c.get("name").asText(), c.get("status").asText());
        }
        for (String required : new String[] {"startup", "vector-store", "http", "llm-providers"}) {
            assertEquals("required check " + required + " in " + readyz, "UP", checks.get(required));
        }
    }

    @Test
    public void textCollectionLifecycle() throws Exception {
        ready();
        Reply created = post(
                "/api/v1/collections",
                "{\"name\":\"papers\",\"metric\":\"cosine\",\"embedding\":\"all-minilm-l6-v2\",\"index\":{\"type\":\"flat\"}}");
        assertEquals(created.toString(), 201, created.status());
        assertEquals(384, created.json().get("dimension").asInt());
        assertEquals(
                "/api/v1/collections/papers",
                "/api/v1/collections/" + created.json().get("name").asText());

        Reply up = put(
                "/api/v1/collections/papers/records",
                "{\"records\":["
                        + "{\"id\":\"p1\",\"text\":\"Compilers translate source code into machine instructions.\",\"metadata\":{\"lang\":\"en\",\"year\":1975,\"tags\":[\"systems\",\"languages\"]}},"
                        + "{\"id\":\"p2\",\"text\":\"The cat sat on the mat and purred.\",\"metadata\":{\"lang\":\"en\",\"year\":2001}},"
                        + "{\"id\":\"p3\",\"text\":\"Les compilateurs traduisent le code source.\",\"metadata\":{\"lang\":\"fr\",\"year\":1990,\"author\":\"Lee\"}},"
                        + "{\"id\":\"p4\",\"text\":\"Database indexes speed up queries over large tables.\",\"metadata\":{\"lang\":\"en\",\"year\":2010,\"tags\":[\"databases\"]},"
                        + "\"edges\":[{\"target\":\"p1\",\"type\":\"cites\",\"weight\":0.5}]}]}");
        assertEquals(up.toString(), 200, up.status());
        assertEquals(4, up.json().get("inserted").asInt());
        assertEquals(4, up.json().get("embedded").asInt());

        Reply info = get("/api/v1/collections/papers");
        assertEquals(4, info.json().get("count").asInt());
        assertEquals("ready", info.json().get("index").get("status").asText());

        Reply rec = get("/api/v1/collections/papers/records/p4");
        assertEquals(rec.toString(), 200, rec.status());
        assertEquals(384, rec.json().get("vector").size());
        assertEquals("p1", rec.json().get("edges").get(0).get("target").asText());
        assertEquals("cites", rec.json().get("edges").get(0).get("type").asText());

        Reply hits = post("/api/v1/collections/papers/search", "{\"text\":\"how do compilers work\",\"k\":2}");
        assertEquals(hits.toString(), 200, hits.status());
        assertEquals(2, hits.json().get("results").size());
        assertEquals("p1", hits.json().get("results").get(0).get("id").asText());
        assertEquals("flat", hits.json().get("servedBy").asText());

        // filters apply during search: k results come back when k match
        Reply filtered = post(
                "/api/v1/collections/papers/search",
                "{\"text\":\"compilers\",\"k\":3,\"filter\":"
                        + "{\"and\":[{\"eq\":{\"lang\":\"en\"}},{\"range\":{\"year\":{\"gte\":2000}}}]}}");
        assertEquals(filtered.toString(), 200, filtered.status());
        assertEquals(2, filtered.json().get("results").size());
        for (JsonNode h : filtered.json().get("results")) {
            assertTrue(h.get("metadata").get("year").asInt() >= 2000);
        }
        Reply in = post(
                "/api/v1/collections/papers/search",
                "{\"text\":\"anything\",\"k\":10,\"filter\":{\"in\":{\"tags\":[\"databases\",\"languages\"]}}}");
        assertEquals(2, in.json().get("results").size());
        Reply exists = post(
                "/api/v1/collections/papers/search",
                "{\"text\":\"anything\",\"k\":10,\"filter\":{\"exists\":\"author\"}}");
        assertEquals(1, exists.json().get("results").size());
        assertEquals("p3", exists.json().get("results").get(0).get("id").asText());
        Reply not = post(
                "/api/v1/collections/papers/search",
                "{\"text\":\"anything\",\"k\":10,\"filter\":{\"not\":{\"or\":[{\"eq\":{\"lang\":\"fr\"}},{\"eq\":{\"year\":2001}}]}}}");
        assertEquals(2, not.json().get("results").size());

        // vector search with a stored vector finds that record first
        String vec = rec.json().get("vector").toString();
        Reply byVector = post("/api/v1/collections/papers/search", "{\"vector\":" + vec + ",\"k\":1}");
        assertEquals("p4", byVector.json().get("results").get(0).get("id").asText());

        assertEquals(204, delete("/api/v1/collections/papers/records/p2").status());
        assertEquals(404, get("/api/v1/collections/papers/records/p2").status());
        Reply batchDelete = call("DELETE", "/api/v1/collections/papers/records", "{\"ids\":[\"p3\",\"nope\"]}");
        assertEquals(1, batchDelete.json().get("deleted").asInt());
        assertEquals(2, get("/api/v1/collections/papers").json().get("count").asInt());

        Reply list = get("/api/v1/collections");
        boolean listed = false;
        for (JsonNode c : list.json().get("collections")) {
            listed |= c.get("name").asText().equals("papers");
        }
        assertTrue(listed);
        assertEquals(204, delete("/api/v1/collections/papers").status());
        assertEquals(404, get("/api/v1/collections/papers").status());
    }

    @Test
    public void vectorCollectionWithEachMetric() throws Exception {
        ready();
        for (String metric : new String[] {"cosine", "dot", "l2"}) {
            String name = "m-" + metric;
            assertEquals(
                    201,
                    post(
                                    "/api/v1/collections",
                                    "{\"name\":\"" + name + "\",\"dimension\":3,\"metric\":\"" + metric + "\"}")
                            .status());
            assertEquals(
                    200,
                    put(
                                    "/api/v1/collections/" + name + "/records",
                                    "{\"records\":["
                                            + "{\"id\":\"x\",\"vector\":[1,0,0]},{\"id\":\"y\",\"vector\":[0,1,0]},{\"id\":\"z\",\"vector\":[0.9,0.1,0]}]}")
                            .status());
            Reply r = post("/api/v1/collections/" + name + "/search", "{\"vector\":[1,0,0],\"k\":3}");
            assertEquals(
                    r.toString(), "x", r.json().get("results").get(0).get("id").asText());
            assertEquals(
                    r.toString(), "z", r.json().get("results").get(1).get("id").asText());
            assertEquals(204, delete("/api/v1/collections/" + name).status());
        }
    }

    /** CACM topic 1; of the four documents ingested, CACM-1410 is the one judged relevant to it. */
    private static final String TOPIC_1 =
            "What articles exist which deal with TSS (Time Sharing System), an operating system for IBM computers?";

    @Test
    public void documentsAreIngestedThroughRestAndFoundBySearch() throws Exception {
        ready();
        int chunks = 0;
        for (String doc : new String[] {"CACM-0001", "CACM-1410", "CACM-2000", "CACM-3000"}) {
            Reply r = upload("/api/v1/collections/cacm/documents?name=cacm/" + doc + ".html", "text/html", cacm(doc));
            assertEquals(r.toString(), 200, r.status());
            assertEquals("cacm/" + doc + ".html", r.json().get("name").asText());
            assertEquals("text/html", r.json().get("mediaType").asText());
            assertTrue(r.toString(), r.json().get("chunks").asInt() >= 1);
            assertEquals(doc.equals("CACM-0001"), r.json().get("created").asBoolean());
            chunks += r.json().get("chunks").asInt();
        }
        Reply info = get("/api/v1/collections/cacm");
        assertEquals("all-minilm-l6-v2", info.json().get("embedding").asText());
        assertEquals("cosine", info.json().get("metric").asText());
        assertEquals(chunks, info.json().get("count").asInt());

        Reply hits =
                post("/api/v1/collections/cacm/search", "{\"text\":" + JSON.writeValueAsString(TOPIC_1) + ",\"k\":1}");
        assertEquals(hits.toString(), 200, hits.status());
        JsonNode best = hits.json().get("results").get(0);
        assertEquals(hits.toString(), "cacm/CACM-1410.html#0", best.get("id").asText());
        assertEquals("cacm/CACM-1410.html", best.get("metadata").get("source").asText());
        assertTrue(best.get("text").asText().contains("Interarrival Statistics for Time Sharing Systems"));

        // the same name again replaces its chunks; the name may come from Content-Disposition
        Reply again = upload(
                "/api/v1/collections/cacm/documents",
                "text/html",
                cacm("CACM-1410"),
                "Content-Disposition",
                "attachment; filename=\"cacm/CACM-1410.html\"");
        assertEquals(again.toString(), 200, again.status());
        assertEquals(
                again.json().get("chunks").asInt(), again.json().get("replaced").asInt());
        assertEquals(chunks, get("/api/v1/collections/cacm").json().get("count").asInt());

        expect(415, null, upload("/api/v1/collections/cacm/documents?name=scan.png", "image/png", new byte[] {1, 2}));
        expect(
                415,
                null,
                upload(
                        "/api/v1/collections/cacm/documents?name=notes.md",
                        "application/x-www-form-urlencoded",
                        "a=b".getBytes(StandardCharsets.UTF_8)));
        expect(
                400,
                "name",
                upload("/api/v1/collections/cacm/documents", "text/plain", "Text.".getBytes(StandardCharsets.UTF_8)));
        expect(
                400,
                "path",
                upload(
                        "/api/v1/collections/cacm/documents?name=a.txt&path=b.txt",
                        "text/plain",
                        "x".getBytes(StandardCharsets.UTF_8)));
        expect(400, null, upload("/api/v1/collections/cacm/documents?name=empty.txt", "text/plain", new byte[0]));
        expect(413, null, declareBody("POST", "/api/v1/collections/cacm/documents?name=big.txt", 33L * 1024 * 1024));
        assertEquals(chunks, get("/api/v1/collections/cacm").json().get("count").asInt());
        assertEquals(204, delete("/api/v1/collections/cacm").status());
    }

    private static byte[] cacm(String doc) throws Exception {
        try (java.io.InputStream in = VectorApiIT.class.getResourceAsStream("/cacm/" + doc + ".html")) {
            assertTrue("test resource /cacm/" + doc + ".html", in != null);
            return in.readAllBytes();
        }
    }

    @Test
    public void badInputIsAClear4xx() throws Exception {
        ready();
        assertEquals(
                201,
                post("/api/v1/collections", "{\"name\":\"strict\",\"dimension\":3}")
                        .status());

        expect(400, null, post("/api/v1/collections", "{\"name\":\"broken\","));
        expect(400, null, post("/api/v1/collections", "[1,2]"));
        expect(400, "name", post("/api/v1/collections", "{\"dimension\":3}"));
        expect(400, "name", post("/api/v1/collections", "{\"name\":\"bad name!\",\"dimension\":3}"));
        expect(400, "dimension", post("/api/v1/collections", "{\"name\":\"nodim\"}"));
        expect(400, "dimension", post("/api/v1/collections", "{\"name\":\"negdim\",\"dimension\":-4}"));
        expect(
                400,
                "metric",
                post("/api/v1/collections", "{\"name\":\"badmetric\",\"dimension\":3,\"metric\":\"manhattan-ish\"}"));
        expect(
                400,
                "index.type",
                post("/api/v1/collections", "{\"name\":\"badindex\",\"dimension\":3,\"index\":{\"type\":\"nope\"}}"));
        expect(409, null, post("/api/v1/collections", "{\"name\":\"strict\",\"dimension\":3}"));
        expect(404, null, get("/api/v1/collections/missing"));
        expect(404, null, post("/api/v1/collections/missing/search", "{\"vector\":[1,2,3]}"));
        expect(
                404,
                null,
                put("/api/v1/collections/missing/records", "{\"records\":[{\"id\":\"a\",\"vector\":[1,2,3]}]}"));

        expect(
                400,
                "records[1].vector",
                put(
                        "/api/v1/collections/strict/records",
                        "{\"records\":[{\"id\":\"a\",\"vector\":[1,2,3]},{\"id\":\"b\",\"vector\":[1,2]}]}"));
        expect(
                400,
                null,
                put("/api/v1/collections/strict/records", "{\"records\":[{\"id\":\"a\",\"vector\":[NaN,1,2]}]}"));
        expect(
                400,
                "records[0].vector[0]",
                put("/api/v1/collections/strict/records", "{\"records\":[{\"id\":\"a\",\"vector\":[1e39,1,2]}]}"));
        expect(
                400,
                "records[0].vector[2]",
                put("/api/v1/collections/strict/records", "{\"records\":[{\"id\":\"a\",\"vector\":[1,2,\"x\"]}]}"));
        expect(400, "records[0].id", put("/api/v1/collections/strict/records", "{\"records\":[{\"vector\":[1,2,3]}]}"));
        expect(
                400,
                "records[0].metadata",
                put(
                        "/api/v1/collections/strict/records",
                        "{\"records\":[{\"id\":\"a\",\"vector\":[1,2,3],\"metadata\":[1]}]}"));
        expect(400, "records", put("/api/v1/collections/strict/records", "{\"records\":[]}"));
        // text needs an embedding model; this collection has none
        assertEquals(
                400,
                put("/api/v1/collections/strict/records", "{\"records\":[{\"id\":\"a\",\"text\":\"hello\"}]}")
                        .status());
        // nothing of the failed batches was written
        assertEquals(0, get("/api/v1/collections/strict").json().get("count").asInt());

        expect(400, "vector", post("/api/v1/collections/strict/search", "{\"vector\":[1,2],\"k\":3}"));
        expect(400, "k", post("/api/v1/collections/strict/search", "{\"vector\":[1,2,3],\"k\":0}"));
        expect(400, "vector", post("/api/v1/collections/strict/search", "{\"k\":3}"));
        expect(
                400,
                "filter.range.year",
                post("/api/v1/collections/strict/search", "{\"vector\":[1,2,3],\"filter\":{\"range\":{\"year\":{}}}}"));
        expect(
                400,
                "filter.bogus",
                post("/api/v1/collections/strict/search", "{\"vector\":[1,2,3],\"filter\":{\"bogus\":{}}}"));
        expect(
                400,
                "filter.and",
                post("/api/v1/collections/strict/search", "{\"vector\":[1,2,3],\"filter\":{\"and\":[]}}"));
        expect(
                400,
                "filter",
                post(
                        "/api/v1/collections/strict/search",
                        "{\"vector\":[1,2,3],\"filter\":{\"eq\":{\"a\":1},\"in\":{\"b\":[1]}}}"));
        expect(400, "mode", post("/api/v1/collections/strict/search", "{\"vector\":[1,2,3],\"mode\":\"psychic\"}"));

        // oversize body: 413 before the upload (the default limit is 32 MiB)
        Reply tooBig = declareBody("PUT", "/api/v1/collections/strict/records", 33L * 1024 * 1024);
        expect(413, null, tooBig);
        assertEquals(32 * 1024 * 1024, tooBig.json().get("limit").asInt());
        // the limit is configuration, applied live
        org.osgi.service.cm.Configuration http = configAdmin.getConfiguration("dev.caracal.core.http", null);
        Dictionary<String, Object> old = http.getProperties();
        Hashtable<String, Object> small = new Hashtable<>();
        small.put("maxBodyBytes", 4096L);
        http.update(small);
        try {
            String body = "{\"records\":[{\"id\":\"a\",\"vector\":[1,2,3],\"text\":\"" + "y".repeat(8000) + "\"}]}";
            eventually(
                    10,
                    "the smaller limit applies",
                    () -> put("/api/v1/collections/strict/records", body).status() == 413);
            Reply r = put("/api/v1/collections/strict/records", body);
            expect(413, null, r);
            assertEquals(4096, r.json().get("limit").asInt());
        } finally {
            http.update(old);
        }
        eventually(
                10,
                "the default limit is back",
                () -> put(
                                        "/api/v1/collections/strict/records",
                                        "{\"records\":[{\"id\":\"a\",\"vector\":[1,2,3],\"text\":\"" + "y".repeat(8000)
                                                + "\"}]}")
                                .status()
                        == 200);
        assertEquals(
                200,
                call("DELETE", "/api/v1/collections/strict/records", "{\"ids\":[\"a\"]}")
                        .status());

        expect(404, null, get("/api/v1/collections/strict/nonsense/path"));
        expect(405, null, call("PATCH", "/api/v1/collections/strict", "{}"));
        assertEquals(204, delete("/api/v1/collections/strict").status());
    }

    @Test
    public void requestGuardsRunBeforeEveryServletAndCanLeave() throws Exception {
        ready();
        RequestGuard guard = (req, resp) -> {
            if ("let-me-in".equals(req.getHeader("x-test-key"))) {
                return true;
            }
            resp.setStatus(401);
            resp.setContentType("application/problem+json");
            resp.getWriter()
                    .write(
                            "{\"type\":\"urn:test:unauthorized\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"x-test-key required\"}");
            return false;
        };
        ServiceRegistration<RequestGuard> reg =
                bundleContext.registerService(RequestGuard.class, guard, new Hashtable<>());
        try {
            eventually(10, "the guard applies", () -> get("/api/v1/collections").status() == 401);
            assertEquals(401, get("/healthz").status());
            assertEquals(
                    200,
                    call("GET", "/api/v1/collections", null, "x-test-key", "let-me-in")
                            .status());
        } finally {
            reg.unregister();
        }
        eventually(10, "the guard is gone", () -> get("/api/v1/collections").status() == 200);
    }

    @Test
    public void unknownApiPathsAreAnsweredInTheSurfacesShape() throws Exception {
        ready();
        expect(404, null, get("/api/v2/anything"));
        expect(404, null, post("/api/nothing/here", "{}"));
        // under /v1 the vendor's envelope, which the SDKs read (OpenAI's, or Anthropic's for its clients)
        Reply openai = get("/v1/no/such/endpoint");
        assertEquals(openai.toString(), 404, openai.status());
        assertTrue(
                openai.toString(), openai.json().at("/error/message").asText().contains("/v1/no/such/endpoint"));
        Reply anthropic = call("GET", "/v1/no/such/endpoint", null, "anthropic-version", "2023-06-01");
        assertEquals(anthropic.toString(), 404, anthropic.status());
        assertEquals(
                anthropic.toString(),
                "not_found_error",
                anthropic.json().at("/error/type").asText());
    }

    /** A problem+json answer with this status, naming {@code field} when given, and never a stack trace. */
    private static void expect(int status, String field, Reply reply) {
        assertEquals(reply.toString(), status, reply.status());
        assertTrue(reply.toString(), reply.contentType().startsWith("application/problem+json"));
        JsonNode p = reply.json();
        assertEquals(status, p.get("status").asInt());
        assertTrue(reply.toString(), p.hasNonNull("title") && p.hasNonNull("type") && p.hasNonNull("detail"));
        if (field != null) {
            assertEquals(reply.toString(), field, p.path("field").asText());
        }
        String lower = reply.body().toLowerCase(Locale.ROOT);
        assertFalse(
                reply.toString(), lower.contains("exception") || lower.contains("\tat ") || lower.contains(".java:"));
    }
}
