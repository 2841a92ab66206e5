package dev.caracal.vector.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.http.ApiServlet;
import dev.caracal.core.http.BodyReader;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.http.HttpSettings;
import dev.caracal.core.http.Problem;
import dev.caracal.core.http.ProblemException;
import dev.caracal.rag.ingest.IngestUnavailableException;
import dev.caracal.rag.ingest.Ingestion;
import dev.caracal.rag.ingest.InvalidIngestRequestException;
import dev.caracal.vector.CollectionExistsException;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.EmbeddingUnavailableException;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.StorageFailureException;
import dev.caracal.vector.TextIndexUnavailableException;
import dev.caracal.vector.UpsertResult;
import dev.caracal.vector.VectorException;
import dev.caracal.vector.VectorStore;
import dev.caracal.vector.json.VectorJson;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code /api/v1/collections}: collections, their records, and search. Translates HTTP to {@link VectorStore} calls
 * and the store's exceptions to problem+json (400 invalid, 404 unknown, 409 duplicate, 503 model or store absent, 507
 * disk full and 503 disk read-only or failing, both with {@code Retry-After}: the store takes writes again by itself).
 * {@code PUT /{name}/index} (body {@code {"type":"hnsw","m":16}}) changes a collection's index and
 * {@code POST /{name}/index/rebuild} rebuilds it; both answer 202 with the collection, its index building.
 * {@code POST /{name}/documents} ingests one document through the {@link Ingestion} service ({@link DocumentsEndpoint}).
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/v1/collections",
            "osgi.http.whiteboard.servlet.pattern=/api/v1/collections/*",
            "osgi.http.whiteboard.servlet.name=caracal-vector-collections",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class CollectionsServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private static final String BASE = "/api/v1/collections";
    /** Seconds a client waits before retrying a write the disk refused (the store retries every 5 seconds). */
    static final int RETRY_AFTER_SECONDS = 5;

    private transient volatile VectorStore store;
    private transient volatile HttpSettings settings;
    private transient volatile Ingestion ingestion;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setStore(VectorStore s) {
        store = s;
    }

    void unsetStore(VectorStore s) {
        if (store == s) {
            store = null;
        }
    }

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setSettings(HttpSettings s) {
        settings = s;
    }

    void unsetSettings(HttpSettings s) {
        if (settings == s) {
            settings = null;
        }
    }

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setIngestion(Ingestion i) {
        ingestion = i;
    }

    void unsetIngestion(Ingestion i) {
        if (ingestion == i) {
            ingestion = null;
        }
    }

    @Override
    protected long maxBodyBytes() {
        HttpSettings s = settings;
        return s == null ? DEFAULT_MAX_BODY : s.maxBodyBytes();
    }

    private VectorStore store() {
        VectorStore s = store;
        if (s == null) {
            throw new ProblemException(Problem.of(
                    503,
                    "store-unavailable",
                    "Vector store unavailable",
                    "the vector store is not running; check caracal:status"));
        }
        return s;
    }

    private Ingestion ingestion() {
        Ingestion i = ingestion;
        if (i == null) {
            throw new ProblemException(Problem.of(
                    503,
                    "ingestion-unavailable",
                    "Ingestion unavailable",
                    "the ingestion service is not running; install the caracal-rag-ingest feature"));
        }
        return i;
    }

    @Override
    protected Problem toProblem(RuntimeException e) {
        if (e instanceof InvalidRequestException ire) {
            return Problem.badField(ire.field(), ire.getMessage());
        }
        if (e instanceof CollectionNotFoundException) {
            return Problem.of(404, "collection-not-found", "Collection not found", e.getMessage());
        }
        if (e instanceof CollectionExistsException) {
            return Problem.of(409, "collection-exists", "Collection exists", e.getMessage());
        }
        if (e instanceof EmbeddingUnavailableException eue) {
            return Problem.of(503, "embedding-unavailable", "Embedding model unavailable", e.getMessage())
                    .with("model", eue.model());
        }
        if (e instanceof StorageFailureException sfe) {
            return storageProblem(sfe);
        }
        if (e instanceof TextIndexUnavailableException) {
            return Problem.of(503, "text-index-unavailable", "Keyword search unavailable", e.getMessage());
        }
        if (e instanceof VectorException) {
            return Problem.of(400, "invalid-request", "Invalid request", e.getMessage());
        }
        if (e instanceof InvalidIngestRequestException iire) {
            return Problem.badField(iire.field(), iire.getMessage());
        }
        if (e instanceof IngestUnavailableException) {
            return Problem.of(503, "ingestion-unavailable", "Ingestion unavailable", e.getMessage());
        }
        return null;
    }

    /** A write the disk refused: 507 when it is full, else 503; retry later, the store recovers by itself. */
    static Problem storageProblem(StorageFailureException e) {
        Problem p = switch (e.reason()) {
            case FULL -> Problem.of(507, "storage-full", "Insufficient storage", e.getMessage());
            case READ_ONLY -> Problem.of(503, "storage-read-only", "Storage not writable", e.getMessage());
            case IO -> Problem.of(503, "storage-failure", "Storage failure", e.getMessage());
        };
        p = p.with("reason", e.reason().name().toLowerCase(Locale.ROOT));
        if (e.collection() != null) {
            p = p.with("collection", e.collection());
        }
        return p.with("retryAfter", RETRY_AFTER_SECONDS);
    }

    /** The work of a request that writes: a storage failure sets {@code Retry-After} before it becomes a problem. */
    private interface Write {
        void run() throws IOException;
    }

    private static void retryAfterOnStorageFailure(HttpServletResponse resp, Write write) throws IOException {
        try {
            write.run();
        } catch (StorageFailureException e) {
            if (!resp.isCommitted()) {
                resp.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            }
            throw e;
        }
    }

    /** The path below {@code /api/v1/collections}, split and percent-decoded segment by segment. */
    static List<String> segments(HttpServletRequest req) {
        String uri = req.getRequestURI();
        String ctx = req.getContextPath() == null ? "" : req.getContextPath();
        String rest = uri.substring(Math.min(uri.length(), ctx.length() + BASE.length()));
        List<String> out = new ArrayList<>();
        for (String s : rest.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        List<String> seg = segments(req);
        if (seg.isEmpty()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (CollectionInfo info : store().listCollections()) {
                list.add(VectorJson.writeCollection(info));
            }
            writeJson(resp, 200, Map.of("collections", list));
        } else if (seg.size() == 1) {
            writeJson(resp, 200, VectorJson.writeCollection(store().describe(seg.get(0))));
        } else if (seg.size() == 3 && seg.get(1).equals("records")) {
            String id = seg.get(2);
            var record = store().get(seg.get(0), id)
                    .orElseThrow(() -> new ProblemException(Problem.of(
                            404,
                            "record-not-found",
                            "Record not found",
                            "record '" + id + "' does not exist in collection '" + seg.get(0) + "'")));
            writeJson(resp, 200, VectorJson.writeRecord(record));
        } else {
            notFound(req);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        retryAfterOnStorageFailure(resp, () -> post(req, resp));
    }

    private void post(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        List<String> seg = segments(req);
        if (seg.isEmpty()) {
            JsonNode body = readJson(req);
            CollectionInfo info = store().createCollection(VectorJson.readCollectionSpec(body));
            resp.setHeader("Location", BASE + "/" + info.spec().name());
            writeJson(resp, 201, VectorJson.writeCollection(info));
        } else if (seg.size() == 2 && seg.get(1).equals("search")) {
            JsonNode body = readJson(req);
            writeJson(resp, 200, VectorJson.writeSearchResult(store().search(seg.get(0), VectorJson.readSearch(body))));
        } else if (seg.size() == 2 && seg.get(1).equals("records")) {
            upsert(seg.get(0), req, resp);
        } else if (seg.size() == 2 && seg.get(1).equals("documents")) {
            writeJson(resp, 200, DocumentsEndpoint.ingest(ingestion(), seg.get(0), req, maxBodyBytes()));
        } else if (seg.size() == 3 && seg.get(1).equals("index") && seg.get(2).equals("rebuild")) {
            // 202: the rebuild runs in the background; index.status and index.progress tell how far it is
            writeJson(resp, 202, VectorJson.writeCollection(store().rebuildIndex(seg.get(0))));
        } else {
            notFound(req);
        }
    }

    @Override
    protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        retryAfterOnStorageFailure(resp, () -> put(req, resp));
    }

    private void put(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        List<String> seg = segments(req);
        if (seg.size() == 2 && seg.get(1).equals("records")) {
            upsert(seg.get(0), req, resp);
        } else if (seg.size() == 2 && seg.get(1).equals("index")) {
            // add, change or drop (type flat) the index; 202: it is built in the background
            JsonNode body = readJson(req);
            var index = VectorJson.readIndexSpec(body);
            writeJson(resp, 202, VectorJson.writeCollection(store().changeIndex(seg.get(0), index)));
        } else {
            notFound(req);
        }
    }

    private void upsert(String collection, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode body = readJson(req);
        var records = VectorJson.readRecords(body);
        UpsertResult r = store().upsert(collection, records);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("upserted", r.inserted() + r.updated());
        out.put("inserted", r.inserted());
        out.put("updated", r.updated());
        out.put("embedded", r.embedded());
        writeJson(resp, 200, out);
    }

    @Override
    protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        retryAfterOnStorageFailure(resp, () -> delete(req, resp));
    }

    private void delete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        List<String> seg = segments(req);
        if (seg.size() == 1) {
            if (!store().dropCollection(seg.get(0))) {
                throw new CollectionNotFoundException(seg.get(0));
            }
            resp.setStatus(204);
        } else if (seg.size() == 3 && seg.get(1).equals("records")) {
            if (store().delete(seg.get(0), List.of(seg.get(2))) == 0) {
                throw new ProblemException(Problem.of(
                        404,
                        "record-not-found",
                        "Record not found",
                        "record '" + seg.get(2) + "' does not exist in collection '" + seg.get(0) + "'"));
            }
            resp.setStatus(204);
        } else if (seg.size() == 2 && seg.get(1).equals("records")) {
            JsonNode body = BodyReader.readJsonObject(req, maxBodyBytes());
            int deleted = store().delete(seg.get(0), VectorJson.readIds(body));
            writeJson(resp, 200, Map.of("deleted", deleted));
        } else {
            notFound(req);
        }
    }

    private static void notFound(HttpServletRequest req) {
        throw ProblemException.notFound("no such resource: " + req.getMethod() + " " + req.getRequestURI()
                + "; see /api/v1/collections, /{name}, /{name}/records, /{name}/records/{id}, /{name}/search, "
                + "/{name}/documents (POST), /{name}/index (PUT), /{name}/index/rebuild (POST)");
    }
}
