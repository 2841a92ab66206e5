package dev.caracal.rag.ingest;

import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Parses documents, cuts them into chunks and writes one record per chunk into a collection of the request's tenant
 * (never another tenant's collection of the same name), embedding the text with the collection's model.
 *
 * <p>Records are {@code <document name>#<chunk index>} with metadata {@code source} (the document name),
 * {@code chunk}, {@code chunks} and what the parser and chunker found ({@code title}, {@code heading}, ...), so
 * ingesting a document again replaces its chunks and removes the chunks it no longer has. A collection that does not
 * exist is created on first write with {@link IngestOptions#embeddingModel()}, the cosine metric and the exact flat
 * index.
 *
 * <p>A document that cannot be ingested (no parser for its type, too large, unreadable, not parseable) is reported in
 * the result and the run goes on with the next one. Thread-safe; the listener is called on the caller's thread, in
 * document order.
 */
@ProviderType
public interface Ingestion {

    /**
     * Ingests the request's documents, in order, in durable batches of {@link IngestOptions#batchSize()} records.
     * Failures of the vector store (a collection without an embedding model, the model unavailable, an invalid
     * collection or tenant name) propagate as the store's own exceptions.
     *
     * @throws InvalidIngestRequestException when the path does not exist or cannot be read, or documents have no
     *     names or the same name
     * @throws IngestUnavailableException when no chunker of the requested strategy is registered
     */
    IngestResult ingest(IngestRequest request, IngestListener listener);

    default IngestResult ingest(IngestRequest request) {
        return ingest(request, IngestListener.NONE);
    }

    /** The media types (without parameters) that the document parsers registered now can read. */
    Set<String> mediaTypes();
}
