package dev.caracal.vector.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.llm.LlmProperties;
import dev.caracal.rag.Chunker;
import dev.caracal.rag.ingest.internal.IngestionService;
import dev.caracal.rag.text.internal.ParagraphChunker;
import dev.caracal.rag.text.internal.TextDocumentParser;
import dev.caracal.security.Grants;
import dev.caracal.security.Principal;
import dev.caracal.security.Role;
import dev.caracal.vector.VectorStore;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import dev.caracal.vector.testkit.HashingEmbeddingModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two tenants, {@code a} and {@code b}, each able to have a collection {@code docs}, through the REST API in an
 * embedded Jetty behind a filter that sets the request's principal as the security guard does: a tenant neither sees
 * nor changes the other's {@code docs} through any endpoint (list, describe, records, search, index, documents, drop),
 * and a collection the principal's grants do not allow answers exactly as a missing one, while creating one is a 403.
 */
class TenantIsolationTest {
    /** The test's stand-ins for what the guard reads: the tenant, and the collections the key's grants name. */
    static final String TENANT = "x-test-tenant";

    static final String GRANTED = "x-test-collections";

    @TempDir
    Path data;

    VectorStoreComponent store;
    ServedServlet server;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        store = VectorStoreComponent.standalone(new StoreSettings(data, 1, 100, 100, 512, 1, 1));
        store.bindEmbeddingModel(
                new HashingEmbeddingModel("all-minilm-l6-v2", 4),
                Map.of(LlmProperties.EMBEDDING_MODEL, "all-minilm-l6-v2"));
        IngestionService ingestion = new IngestionService(store);
        ingestion.bindParser(new TextDocumentParser(), Map.of());
        ingestion.bindChunker(new ParagraphChunker(), Map.of(Chunker.STRATEGY_PROPERTY, "paragraph"));
        CollectionsServlet servlet = new CollectionsServlet();
        servlet.setStore(store);
        servlet.setIngestion(ingestion);
        server = new ServedServlet(servlet, TenantIsolationTest::principal);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        store.stop();
    }

    /** What the guard would establish: a writer of the tenant the request names, narrowed to the granted names. */
    static Principal principal(HttpServletRequest request) {
        String tenant = request.getHeader(TENANT);
        if (tenant == null) {
            return null; // no guard ran: the operator
        }
        String granted = request.getHeader(GRANTED);
        Grants grants = granted == null ? Grants.ALL : new Grants(Set.of(granted.split(",")), Set.of());
        return new Principal(tenant, Role.WRITER, "key-" + tenant, "test key of " + tenant, grants);
    }

    record Reply(int status, JsonNode json, String body) {}

    /** A request as the principal {@code who} ({@code tenant} or {@code tenant:collection,collection}). */
    Reply send(String who, String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (who != null) {
            String[] parts = who.split(":", 2);
            b.header(TENANT, parts[0]);
            if (parts.length > 1) {
                b.header(GRANTED, parts[1]);
            }
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(
                r.statusCode(), r.body().isEmpty() ? null : Json.mapper().readTree(r.body()), r.body());
    }

    Reply json(String who, String method, String path, String body) throws Exception {
        return send(who, method, path, "application/json", body);
    }

    static final String RECORDS =
            "{\"records\":[{\"id\":\"r1\",\"text\":\"a record of %s\",\"metadata\":{\"owner\":\"%s\"}}]}";

    /** Every endpoint of one collection, as (method, path, content type, body). */
    static List<String[]> everyEndpointOf(String collection) {
        String c = "/" + collection;
        return List.of(
                new String[] {"GET", c, null, null},
                new String[] {"GET", c + "/records/r1", null, null},
                new String[] {"POST", c + "/search", "application/json", "{\"text\":\"record\",\"k\":5}"},
                new String[] {"PUT", c + "/records", "application/json", String.format(RECORDS, "x", "x")},
                new String[] {"POST", c + "/records", "application/json", String.format(RECORDS, "x", "x")},
                new String[] {"DELETE", c + "/records/r1", null, null},
                new String[] {"DELETE", c + "/records", "application/json", "{\"ids\":[\"r1\"]}"},
                new String[] {"PUT", c + "/index", "application/json", "{\"type\":\"flat\",\"quantization\":\"int8\"}"},
                new String[] {"POST", c + "/index/rebuild", "application/json", ""},
                new String[] {"POST", c + "/documents?name=x.txt", "text/plain", "A document."},
                new String[] {"DELETE", c, null, null});
    }

    /** B's docs as B sees it: its spec, count and records, to compare before and after A's requests. */
    String snapshotOfB() throws Exception {
        VectorStore b = store.forTenant("b");
        return b.describe("docs").spec() + " " + b.count("docs") + " "
                + b.get("docs", "r1").orElseThrow().metadata() + " "
                + b.get("docs", "b.txt#0").orElseThrow().text();
    }

    void createBsDocs() throws Exception {
        assertEquals(
                201,
                json("b", "POST", "", "{\"name\":\"docs\",\"embedding\":\"all-minilm-l6-v2\"}")
                        .status());
        assertEquals(
                200,
                json("b", "PUT", "/docs/records", String.format(RECORDS, "b", "b"))
                        .status());
        assertEquals(
                200,
                send("b", "POST", "/docs/documents?name=b.txt", "text/plain", "B's own text.")
                        .status());
    }

    /** The 404 of a collection that does not exist, as the answer every hidden collection must give exactly. */
    static void assertMissingCollection(Reply r, String collection, String what) {
        assertEquals(404, r.status(), what + ": " + r.body());
        assertEquals(
                "urn:caracal:problem:collection-not-found", r.json().get("type").asText(), what);
        assertEquals(
                "collection '" + collection + "' does not exist",
                r.json().get("detail").asText(),
                what);
        assertEquals(Set.of("type", "title", "status", "detail"), fields(r.json()), what);
    }

    static Set<String> fields(JsonNode json) {
        Set<String> out = new java.util.TreeSet<>();
        json.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void aTenantNeitherSeesNorChangesAnotherTenantsCollectionOfTheSameName() throws Exception {
        createBsDocs();
        String before = snapshotOfB();

        assertEquals(0, json("a", "GET", "", null).json().get("collections").size(), "a lists none of b's");
        for (String[] e : everyEndpointOf("docs")) {
            if (e[1].contains("/documents")) {
                continue; // writes into a's own docs, created on first use: below
            }
            Reply r = send("a", e[0], e[1], e[2], e[3]);
            assertMissingCollection(r, "docs", "a: " + e[0] + " " + e[1]);
        }
        assertEquals(before, snapshotOfB(), "nothing of b's docs changed");

        // documents into 'docs' as a creates a's own docs: b's stays as it was
        Reply doc = send("a", "POST", "/docs/documents?name=a.txt", "text/plain", "A's own text.");
        assertEquals(200, doc.status(), doc.body());
        assertTrue(doc.json().get("created").asBoolean(), "a's docs is a new collection");
        assertEquals(before, snapshotOfB());
        assertTrue(store.forTenant("b").get("docs", "a.txt#0").isEmpty());
        assertEquals(1, store.forTenant("a").count("docs"));

        // a's docs and b's docs now live side by side; each sees, searches and drops its own
        assertEquals(List.of("docs"), names(json("a", "GET", "", null)));
        assertEquals(List.of("docs"), names(json("b", "GET", "", null)));
        Reply search = json("a", "POST", "/docs/search", "{\"text\":\"own text\",\"k\":10}");
        assertEquals(List.of("a.txt#0"), ids(search));
        assertEquals(404, json("a", "GET", "/docs/records/r1", null).status(), "b's record is not in a's docs");
        assertEquals(204, json("a", "DELETE", "/docs", null).status());
        assertEquals(before, snapshotOfB(), "a's drop left b's docs alone");
        assertMissingCollection(json("a", "GET", "/docs", null), "docs", "a's docs is gone");
        assertEquals(200, json("b", "GET", "/docs", null).status());

        // a tenant with nothing answers exactly as a tenant whose namesake is elsewhere
        assertEquals(
                json("c", "GET", "/docs", null).body(),
                json("a", "GET", "/docs", null).body());
        // and the default tenant (no guard: the operator) has none of them
        assertMissingCollection(json(null, "GET", "/docs", null), "docs", "operator");
    }

    @Test
    void aCollectionTheGrantsDoNotAllowIsMissingAndCreatingOneIsForbidden() throws Exception {
        createBsDocs();
        assertEquals(
                201,
                json("b", "POST", "", "{\"name\":\"notes\",\"dimension\":2}").status());
        String before = snapshotOfB();

        // a key of b granted 'notes' only: docs is hidden exactly as a collection that does not exist
        String narrow = "b:notes";
        assertEquals(List.of("notes"), names(json(narrow, "GET", "", null)));
        for (String[] e : everyEndpointOf("docs")) {
            assertMissingCollection(send(narrow, e[0], e[1], e[2], e[3]), "docs", "narrow: " + e[0] + " " + e[1]);
        }
        // ...the very answer a granted name that does not exist gets (no oracle either way)
        for (String[] e : everyEndpointOf("ghost")) {
            if (e[1].contains("/documents")) {
                continue; // would create it, were it granted
            }
            assertMissingCollection(send("b:ghost", e[0], e[1], e[2], e[3]), "ghost", "ghost: " + e[0] + " " + e[1]);
        }
        assertEquals(before, snapshotOfB());
        assertEquals(200, json(narrow, "GET", "/notes", null).status());

        // creating a collection the grants do not name is a 403 that names it, whether or not it exists
        for (String name : List.of("docs", "fresh")) {
            Reply r = json(narrow, "POST", "", "{\"name\":\"" + name + "\",\"dimension\":2}");
            assertEquals(403, r.status(), r.body());
            assertEquals("urn:caracal:problem:forbidden", r.json().get("type").asText());
            assertEquals(name, r.json().get("collection").asText());
            assertTrue(r.json().get("detail").asText().contains("'" + name + "'"), r.body());
            assertFalse(r.body().contains("Exception"), r.body());
        }
        assertEquals(List.of("docs", "notes"), names(json("b", "GET", "", null)), "nothing was created");
        assertEquals(
                201,
                json("b:notes,fresh", "POST", "", "{\"name\":\"fresh\",\"dimension\":2}")
                        .status());
    }

    @Test
    void theTenantComesFromThePrincipalOnly() throws Exception {
        createBsDocs();
        // the guard consumes ?tenant= (an admin naming a tenant); the servlet neither refuses it nor acts on it
        Reply doc = send("a", "POST", "/docs/documents?name=a.txt&tenant=b", "text/plain", "A's text.");
        assertEquals(200, doc.status(), doc.body());
        assertTrue(store.forTenant("b").get("docs", "a.txt#0").isEmpty(), "the principal's tenant was written");
        assertEquals(1, store.forTenant("a").count("docs"));
        assertEquals(
                0, json("c", "GET", "?tenant=b", null).json().get("collections").size());
        // a tenant named in a body is refused, never taken
        Reply body = json("a", "POST", "", "{\"name\":\"x\",\"dimension\":2,\"tenant\":\"b\"}");
        assertEquals(400, body.status(), body.body());
        assertEquals("tenant", body.json().get("field").asText());
        assertTrue(body.json().get("detail").asText().contains("x-caracal-tenant"), body.body());
        assertEquals(List.of("docs"), names(json("b", "GET", "", null)));

        Reply bad = json("Not A Tenant", "GET", "", null);
        assertEquals(400, bad.status(), bad.body());
        assertEquals("tenant", bad.json().get("field").asText());
        assertFalse(bad.body().contains("Exception"), bad.body());
    }

    static List<String> names(Reply list) {
        List<String> out = new ArrayList<>();
        list.json().get("collections").forEach(c -> out.add(c.get("name").asText()));
        return out;
    }

    static List<String> ids(Reply search) {
        List<String> out = new ArrayList<>();
        search.json().get("results").forEach(h -> out.add(h.get("id").asText()));
        return out;
    }
}
