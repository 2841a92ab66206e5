package dev.caracal.vector.http.internal;

import dev.caracal.core.http.Problem;
import dev.caracal.rag.ingest.IngestUnavailableException;
import dev.caracal.rag.ingest.InvalidIngestRequestException;
import dev.caracal.vector.CollectionExistsException;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.EmbeddingUnavailableException;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.StorageFailureException;
import dev.caracal.vector.TextIndexUnavailableException;
import dev.caracal.vector.VectorException;
import java.util.Locale;

/**
 * The store's and the ingestion service's exceptions as problem+json: 400 invalid (naming the field), 404 unknown
 * collection, 409 duplicate, 503 model, text index or ingestion absent, 507 disk full and 503 disk read-only or
 * failing (both with {@code retryAfter}: the store takes writes again by itself).
 */
final class VectorProblems {
    /** Seconds a client waits before retrying a write the disk refused (the store retries every 5 seconds). */
    static final int RETRY_AFTER_SECONDS = 5;

    private VectorProblems() {}

    /** The problem a failure of the store or the ingestion service is answered with, or {@code null} for others. */
    static Problem of(RuntimeException e) {
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
}
