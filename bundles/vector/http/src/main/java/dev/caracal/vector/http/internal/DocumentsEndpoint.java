package dev.caracal.vector.http.internal;

import dev.caracal.core.http.BodyReader;
import dev.caracal.core.http.Problem;
import dev.caracal.core.http.ProblemException;
import dev.caracal.core.http.QueryParameters;
import dev.caracal.rag.ingest.Document;
import dev.caracal.rag.ingest.DocumentResult;
import dev.caracal.rag.ingest.IngestOptions;
import dev.caracal.rag.ingest.IngestRequest;
import dev.caracal.rag.ingest.IngestResult;
import dev.caracal.rag.ingest.Ingestion;
import dev.caracal.rag.ingest.InvalidIngestRequestException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.servlet.http.HttpServletRequest;

/**
 * {@code POST /api/v1/collections/{name}/documents}: one document as the request body, its type in
 * {@code Content-Type} (or, when absent or {@code application/octet-stream}, its name's extension), its name in
 * {@code ?name=} ({@code ?path=} is the same) or the {@code Content-Disposition} file name. Ingested through the
 * {@link Ingestion} service: one record per chunk, {@code <name>#<chunk>}, replacing what the document had before.
 * Answers what was written; a document no parser reads is a 415, one over a size limit a 413, one that cannot be
 * parsed a 422.
 */
final class DocumentsEndpoint {
    /** {@code tenant} is the security guard's (an admin naming another tenant); the principal carries it here. */
    private static final Set<String> PARAMETERS = Set.of("name", "path", "tenant");

    private DocumentsEndpoint() {}

    /** Ingests the request's document into {@code collection} of {@code tenant}. */
    static Map<String, Object> ingest(
            Ingestion ingestion, String tenant, String collection, HttpServletRequest req, long maxBodyBytes)
            throws IOException {
        String name = name(req);
        String mediaType = mediaType(req);
        byte[] body = BodyReader.readBytes(req, maxBodyBytes);
        if (body.length == 0) {
            throw ProblemException.badField(null, "the request body is empty; send the document's bytes as the body");
        }
        IngestResult result;
        try {
            result = ingestion.ingest(IngestRequest.documents(
                    tenant, collection, List.of(Document.of(name, mediaType, body)), IngestOptions.DEFAULTS));
        } catch (InvalidIngestRequestException e) {
            String field = e.field() != null && e.field().startsWith("documents[0].")
                    ? e.field().substring("documents[0].".length())
                    : e.field();
            throw ProblemException.badField(field, e.getMessage());
        }
        DocumentResult document = result.documents().get(0);
        switch (document.outcome()) {
            case UNSUPPORTED ->
                throw new ProblemException(Problem.of(
                                415,
                                "unsupported-media-type",
                                "Unsupported media type",
                                document.reason()
                                        + (mediaType == null
                                                ? "; send the document's type in Content-Type, or name it with a known "
                                                        + "extension"
                                                : ""))
                        .with("mediaTypes", List.copyOf(ingestion.mediaTypes())));
            case TOO_LARGE ->
                throw new ProblemException(Problem.of(
                        413, "document-too-large", "Document too large", "the document is " + document.reason()));
            case FAILED ->
                throw new ProblemException(
                        Problem.of(422, "document-unreadable", "Document cannot be parsed", document.reason()));
            case INGESTED -> {}
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("collection", result.collection());
        out.put("name", document.name());
        out.put("mediaType", document.mediaType());
        out.put("chunks", document.chunks());
        out.put("written", document.chunks());
        out.put("replaced", document.replaced());
        out.put("removed", document.removed());
        out.put("created", result.created());
        return out;
    }

    /** From {@code ?name=} or {@code ?path=}, or the {@code Content-Disposition} file name; they must agree. */
    static String name(HttpServletRequest req) {
        Map<String, String> query = QueryParameters.parse(req.getQueryString(), PARAMETERS);
        if (query.containsKey("name") && query.containsKey("path")) {
            throw ProblemException.badField("path", "give the document's name as ?name= or ?path=, not both");
        }
        String fromQuery = query.containsKey("name") ? query.get("name") : query.get("path");
        String fromHeader = ContentDisposition.filename(req.getHeader("Content-Disposition"));
        if (fromQuery != null && fromHeader != null && !fromQuery.equals(fromHeader)) {
            throw ProblemException.badField(
                    "name",
                    "the query names the document '" + fromQuery + "' but Content-Disposition names it '" + fromHeader
                            + "'; give one name");
        }
        String name = fromQuery != null ? fromQuery : fromHeader;
        if (name == null || name.isBlank()) {
            throw ProblemException.badField(
                    "name",
                    "name the document with ?name=notes/intro.md (or a Content-Disposition file name); its records "
                            + "are <name>#<chunk>, so ingesting the same name again replaces them");
        }
        return name;
    }

    /** The body's media type, or null to let the name's extension decide. Form encodings are refused. */
    static String mediaType(HttpServletRequest req) {
        String type = req.getContentType();
        if (type == null || type.isBlank()) {
            return null;
        }
        String base = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (base.equals("application/octet-stream")) {
            return null;
        }
        if (base.equals("application/x-www-form-urlencoded")) {
            throw unsupported(
                    type,
                    "a form-encoded body is not a document; send the document's own Content-Type "
                            + "(curl --data-binary sends application/x-www-form-urlencoded unless given "
                            + "-H 'Content-Type: text/markdown')");
        }
        if (base.startsWith("multipart/")) {
            throw unsupported(type, "send the document itself as the request body, not as a multipart form upload");
        }
        return type;
    }

    private static ProblemException unsupported(String type, String detail) {
        return new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type", detail)
                .with("contentType", type));
    }
}
