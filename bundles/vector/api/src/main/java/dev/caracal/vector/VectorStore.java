package dev.caracal.vector;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The durable vector database. Writes are acknowledged only once durable. Every method is thread-safe. Failures
 * are {@link VectorException}s: {@link InvalidRequestException}, {@link CollectionNotFoundException},
 * {@link CollectionExistsException}, {@link EmbeddingUnavailableException}.
 */
@ProviderType
public interface VectorStore {

    /**
     * Create a collection. When {@code spec.dimension()} is 0 it is taken from the named embedding model, which must
     * then be available.
     */
    CollectionInfo createCollection(CollectionSpec spec);

    List<CollectionInfo> listCollections();

    CollectionInfo describe(String collection);

    /** Drop a collection and all its records; returns false when it did not exist. */
    boolean dropCollection(String collection);

    /** Insert or replace records by id, as one durable batch. Records with text and no vector are embedded first. */
    UpsertResult upsert(String collection, List<VectorRecord> records);

    Optional<VectorRecord> get(String collection, String id);

    /** Delete records by id; returns how many existed. */
    int delete(String collection, Collection<String> ids);

    long count(String collection);

    SearchResult search(String collection, SearchRequest request);
}
