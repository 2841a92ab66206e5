package dev.caracal.vector.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.llm.LlmProperties;
import dev.caracal.rag.Chunker;
import dev.caracal.rag.DocumentParser;
import dev.caracal.rag.ParseException;
import dev.caracal.rag.ParsedDocument;
import dev.caracal.rag.ingest.DocumentResult;
import dev.caracal.rag.ingest.IngestListener;
import dev.caracal.rag.ingest.IngestRequest;
import dev.caracal.rag.ingest.IngestResult;
import dev.caracal.rag.ingest.Ingestion;
import dev.caracal.rag.ingest.internal.IngestionService;
import dev.caracal.rag.text.internal.ParagraphChunker;
import dev.caracal.rag.text.internal.TextDocumentParser;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import dev.caracal.vector.testkit.HashingEmbeddingModel;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/collections/{name}/documents} in an embedded Jetty, over the real store, ingestion engine, text
 * parser and paragraph chunker: what a document becomes, and every bad input answered with a 4xx problem that names
 * it.
 */
class DocumentsEndpointTest {
    static final long MAX_BODY = 4096;

    @TempDir
    Path data;

    VectorStoreComponent store;
    IngestionService ingestion;
    CollectionsServlet servlet;
    ServedServlet server;
    HttpClient http;
    String base;

    @BeforeEach
    void start() throws Exception {
        store = VectorStoreComponent.standalone(new StoreSettings(data, 1, 100, 100, 512, 1, 1));
        store.bindEmbeddingModel(
                new HashingEmbeddingModel("all-minilm-l6-v2", 4),
                Map.of(LlmProperties.EMBEDDING_MODEL, "all-minilm-l6-v2"));
        ingestion = new IngestionService(store);
        ingestion.bindParser(new TextDocumentParser(), Map.of());
        ingestion.bindChunker(new ParagraphChunker(), Map.of(Chunker.STRATEGY_PROPERTY, "paragraph"));
        servlet = new CollectionsServlet();
        servlet.setStore(store);
        servlet.setSettings(() -> MAX_BODY);
        servlet.setIngestion(ingestion);

        server = new ServedServlet(servlet);
        base = server.base;
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        store.stop();
    }

    record Reply(int status, String contentType, JsonNode json) {}

    Reply post(String path, String contentType, String body, String... headers) throws Exception {
        return send("POST", path, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    Reply send(String method, String path, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        String type = r.headers().firstValue("Content-Type").orElse("");
        return new Reply(
                r.statusCode(), type, r.body().isEmpty() ? null : Json.mapper().readTree(r.body()));
    }

    /** A 4xx problem+json whose detail contains {@code detail}; returns it. */
    static JsonNode problem(Reply r, int status, String detail) {
        assertEquals(status, r.status(), String.valueOf(r.json()));
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        assertEquals(status, r.json().get("status").asInt());
        assertTrue(r.json().get("detail").asText().contains(detail), r.json().toString());
        return r.json();
    }

    static final String MARKDOWN = "# Compilers\n\nA compiler translates source code into machine code.\n\n"
            + ("Optimising compilers unroll loops. ".repeat(40)) + "\n\n"
            + ("Register allocation maps variables to registers. ".repeat(30));

    @Test
    void aDocumentBecomesOneRecordPerChunkAndAgainReplacesThem() throws Exception {
        Reply r = post("/papers/documents?name=notes/compilers.md", "text/markdown; charset=utf-8", MARKDOWN);
        assertEquals(200, r.status(), String.valueOf(r.json()));
        JsonNode j = r.json();
        assertEquals("papers", j.get("collection").asText());
        assertEquals("notes/compilers.md", j.get("name").asText());
        assertEquals("text/markdown", j.get("mediaType").asText());
        int chunks = j.get("chunks").asInt();
        assertTrue(chunks >= 2, j.toString());
        assertEquals(chunks, j.get("written").asInt());
        assertEquals(0, j.get("replaced").asInt());
        assertTrue(j.get("created").asBoolean());
        assertEquals(chunks, store.count("papers"));
        assertEquals(
                "Compilers",
                store.get("papers", "notes/compilers.md#0")
                        .orElseThrow()
                        .metadata()
                        .get("title"));
        assertEquals(4, store.describe("papers").spec().dimension(), "created with the model's dimension");

        Reply again = post("/papers/documents?path=notes/compilers.md", "text/markdown", "# Compilers\n\nShort now.");
        assertEquals(200, again.status());
        assertEquals(1, again.json().get("chunks").asInt());
        assertEquals(1, again.json().get("replaced").asInt());
        assertEquals(chunks - 1, again.json().get("removed").asInt());
        assertTrue(!again.json().get("created").asBoolean());
        assertEquals(1, store.count("papers"));
    }

    @Test
    void theNameMayComeFromContentDispositionAndTheTypeFromItsExtension() throws Exception {
        Reply r = send(
                "POST",
                "/papers/documents",
                "application/octet-stream",
                "Caf\u00e9 notes.\n".getBytes(StandardCharsets.UTF_8),
                "Content-Disposition",
                "attachment; filename=\"fallback.txt\"; filename*=UTF-8''n%C3%B6tes.txt");
        assertEquals(200, r.status(), String.valueOf(r.json()));
        assertEquals("n\u00f6tes.txt", r.json().get("name").asText());
        assertEquals("text/plain", r.json().get("mediaType").asText());
        assertTrue(store.get("papers", "n\u00f6tes.txt#0").isPresent());

        Reply plain =
                post("/papers/documents", null, "<p>Hello.</p>", "Content-Disposition", "inline; filename=page.html");
        assertEquals("text/html", plain.json().get("mediaType").asText());
    }

    @Test
    void aMissingOrContradictoryNameIsA400NamingIt() throws Exception {
        assertEquals(
                "name",
                problem(post("/papers/documents", "text/plain", "Text."), 400, "?name=")
                        .get("field")
                        .asText());
        assertEquals(
                "path",
                problem(post("/papers/documents?name=a.txt&path=b.txt", "text/plain", "x"), 400, "not both")
                        .get("field")
                        .asText());
        assertEquals(
                "name",
                problem(
                                post(
                                        "/papers/documents?name=a.txt",
                                        "text/plain",
                                        "x",
                                        "Content-Disposition",
                                        "attachment; filename=b.txt"),
                                400,
                                "give one name")
                        .get("field")
                        .asText());
        assertEquals(
                "collection",
                problem(
                                post("/papers/documents?name=a.txt&collection=x", "text/plain", "x"),
                                400,
                                "unknown query parameter")
                        .get("field")
                        .asText());
        assertEquals(
                "name",
                problem(post("/papers/documents?name=a%09b.txt", "text/plain", "x"), 400, "control character")
                        .get("field")
                        .asText());
        problem(
                post("/papers/documents", "text/plain", "x", "Content-Disposition", "attachment; filename*=nope"),
                400,
                "malformed Content-Disposition");
        problem(post("/papers/documents?name=a.txt", "text/plain", ""), 400, "the request body is empty");
        assertTrue(store.listCollections().isEmpty(), "nothing was created by a refused request");
    }

    @Test
    void aTypeNoParserReadsIsA415ListingTheReadableTypes() throws Exception {
        JsonNode png =
                problem(post("/papers/documents?name=photo.png", "image/png", "PNG"), 415, "no parser for image/png");
        assertEquals(
                "urn:caracal:problem:unsupported-media-type", png.get("type").asText());
        assertEquals(
                "[\"text/html\",\"text/markdown\",\"text/plain\"]",
                png.get("mediaTypes").toString());
        problem(
                post("/papers/documents?name=blob.bin", "application/octet-stream", "x"),
                415,
                "send the document's type in Content-Type");
        problem(
                post("/papers/documents?name=a.md", "application/x-www-form-urlencoded", "a=b"),
                415,
                "curl --data-binary");
        problem(
                post("/papers/documents?name=a.md", "multipart/form-data; boundary=x", "--x--"),
                415,
                "not as a multipart");
        assertTrue(store.listCollections().isEmpty());
    }

    @Test
    void aBodyOverTheLimitIsA413() throws Exception {
        JsonNode p = problem(
                post("/papers/documents?name=big.txt", "text/plain", "x".repeat((int) MAX_BODY + 1)),
                413,
                "exceeds the limit");
        assertEquals(MAX_BODY, p.get("limit").asLong());
    }

    @Test
    void aDocumentThatCannotBeParsedIsA422() throws Exception {
        ingestion.bindParser(
                new DocumentParser() {
                    public Set<String> mediaTypes() {
                        return Set.of("application/x-broken");
                    }

                    public ParsedDocument parse(InputStream in, String type, String source) throws ParseException {
                        throw new ParseException("Could not parse " + source + ": truncated at byte 3", null);
                    }
                },
                Map.of());
        problem(post("/papers/documents?name=a.broken", "application/x-broken", "abc"), 422, "truncated at byte 3");
    }

    @Test
    void aCollectionThatCannotTakeTextIsA400AndAMissingServiceA503() throws Exception {
        store.createCollection(new CollectionSpec("vectors", 4, Metric.L2, null, IndexSpec.FLAT_SPEC));
        assertEquals(
                "collection",
                problem(post("/vectors/documents?name=a.txt", "text/plain", "Text."), 400, "has no embedding model")
                        .get("field")
                        .asText());
        servlet.unsetIngestion(ingestion);
        problem(post("/papers/documents?name=a.txt", "text/plain", "Text."), 503, "caracal-rag-ingest");
    }

    @Test
    void aDocumentOverTheEngineLimitIsA413() throws Exception {
        Ingestion refusing = new Ingestion() {
            public IngestResult ingest(IngestRequest request, IngestListener listener) {
                String name = request.documents().get(0).name();
                return new IngestResult(
                        request.collection(),
                        false,
                        List.of(new DocumentResult(
                                name, "text/plain", DocumentResult.Outcome.TOO_LARGE, 0, 0, 0, "larger than 64 MB")),
                        1);
            }

            public Set<String> mediaTypes() {
                return Set.of("text/plain");
            }
        };
        servlet.setIngestion(refusing);
        problem(post("/papers/documents?name=a.txt", "text/plain", "Text."), 413, "the document is larger than 64 MB");
    }

    @Test
    void otherMethodsAndPathsSayWhatExists() throws Exception {
        problem(send("GET", "/papers/documents", null, new byte[0]), 404, "/{name}/documents (POST)");
    }
}
