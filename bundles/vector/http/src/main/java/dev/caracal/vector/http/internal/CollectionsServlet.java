package dev.caracal.vector.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.http.ApiServlet;
import dev.caracal.core.http.BodyReader;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.http.HttpSettings;
import dev.caracal.core.http.Problem;
import dev.caracal.core.http.ProblemException;
import dev.caracal.rag.ingest.Ingestion;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.StorageFailureException;
import dev.caracal.vector.UpsertResult;
import dev.caracal.vector.VectorStore;
import dev.caracal.vector.json.VectorJson;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * and the store's exceptions to problem+json ({@link VectorProblems}: 400 invalid, 404 unknown, 409 duplicate, 503
 * model or store absent, 507 disk full and 503 disk read-only or failing, both with {@code Retry-After}: the store takes
 * writes again by itself). Every request acts in its principal's tenant, on the collections its grants allow
 * ({@link CallerScope}): another tenant's collection, or one the grants do not allow, is a 404 like a missing one.
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

    /** The store as the request's principal may reach it: its tenant's collections, as far as its grants allow. */
    private CallerScope scope(HttpServletRequest req) {
        return CallerScope.of(req, store());
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
        return VectorProblems.of(e);
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
                resp.setHeader("Retry-After", Integer.toString(VectorProblems.RETRY_AFTER_SECONDS));
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
        CallerScope scope = scope(req);
        if (seg.isEmpty()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (CollectionInfo info : scope.listCollections()) {
                list.add(VectorJson.writeCollection(info));
            }
            writeJson(resp, 200, Map.of("collections", list));
        } else if (seg.size() == 1) {
            writeJson(resp, 200, VectorJson.writeCollection(scope.store().describe(scope.collection(seg.get(0)))));
        } else if (seg.size() == 3 && seg.get(1).equals("records")) {
            String collection = scope.collection(seg.get(0));
            String id = seg.get(2);
            var record = scope.store().get(collection, id).orElseThrow(() -> recordNotFound(id, collection));
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
        CallerScope scope = scope(req);
        VectorStore store = scope.store();
        if (seg.isEmpty()) {
            JsonNode body = readJson(req);
            CallerScope.refuseTenantInBody(body);
            var spec = VectorJson.readCollectionSpec(body);
            scope.checkCreate(spec.name());
            CollectionInfo info = store.createCollection(spec);
            resp.setHeader("Location", BASE + "/" + info.spec().name());
            writeJson(resp, 201, VectorJson.writeCollection(info));
        } else if (seg.size() == 2 && seg.get(1).equals("search")) {
            String collection = scope.collection(seg.get(0));
            JsonNode body = readJson(req);
            writeJson(resp, 200, VectorJson.writeSearchResult(store.search(collection, VectorJson.readSearch(body))));
        } else if (seg.size() == 2 && seg.get(1).equals("records")) {
            upsert(store, scope.collection(seg.get(0)), req, resp);
        } else if (seg.size() == 2 && seg.get(1).equals("documents")) {
            String collection = scope.collection(seg.get(0));
            writeJson(
                    resp, 200, DocumentsEndpoint.ingest(ingestion(), scope.tenant(), collection, req, maxBodyBytes()));
        } else if (seg.size() == 3 && seg.get(1).equals("index") && seg.get(2).equals("rebuild")) {
            // 202: the rebuild runs in the background; index.status and index.progress tell how far it is
            writeJson(resp, 202, VectorJson.writeCollection(store.rebuildIndex(scope.collection(seg.get(0)))));
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
        CallerScope scope = scope(req);
        if (seg.size() == 2 && seg.get(1).equals("records")) {
            upsert(scope.store(), scope.collection(seg.get(0)), req, resp);
        } else if (seg.size() == 2 && seg.get(1).equals("index")) {
            // add, change or drop (type flat) the index; 202: it is built in the background
            String collection = scope.collection(seg.get(0));
            JsonNode body = readJson(req);
            var index = VectorJson.readIndexSpec(body);
            writeJson(resp, 202, VectorJson.writeCollection(scope.store().changeIndex(collection, index)));
        } else {
            notFound(req);
        }
    }

    private void upsert(VectorStore store, String collection, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        JsonNode body = readJson(req);
        var records = VectorJson.readRecords(body);
        UpsertResult r = store.upsert(collection, records);
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
        CallerScope scope = scope(req);
        VectorStore store = scope.store();
        if (seg.size() == 1) {
            String collection = scope.collection(seg.get(0));
            if (!store.dropCollection(collection)) {
                throw new CollectionNotFoundException(collection);
            }
            resp.setStatus(204);
        } else if (seg.size() == 3 && seg.get(1).equals("records")) {
            String collection = scope.collection(seg.get(0));
            if (store.delete(collection, List.of(seg.get(2))) == 0) {
                throw recordNotFound(seg.get(2), collection);
            }
            resp.setStatus(204);
        } else if (seg.size() == 2 && seg.get(1).equals("records")) {
            String collection = scope.collection(seg.get(0));
            JsonNode body = BodyReader.readJsonObject(req, maxBodyBytes());
            int deleted = store.delete(collection, VectorJson.readIds(body));
            writeJson(resp, 200, Map.of("deleted", deleted));
        } else {
            notFound(req);
        }
    }

    private static ProblemException recordNotFound(String id, String collection) {
        return new ProblemException(Problem.of(
                404,
                "record-not-found",
                "Record not found",
                "record '" + id + "' does not exist in collection '" + collection + "'"));
    }

    private static void notFound(HttpServletRequest req) {
        throw ProblemException.notFound("no such resource: " + req.getMethod() + " " + req.getRequestURI()
                + "; see /api/v1/collections, /{name}, /{name}/records, /{name}/records/{id}, /{name}/search, "
                + "/{name}/documents (POST), /{name}/index (PUT), /{name}/index/rebuild (POST)");
    }
}
