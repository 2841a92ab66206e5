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

    /**
     * Adds, replaces or removes the index of a collection. The type must be {@code flat} or a registered index plugin
     * type, and the parameters valid for it ({@link InvalidRequestException} naming {@code index.type} or the
     * parameter otherwise). The new spec is durable when this returns; the old index is closed and the new one is
     * built in the background (status {@link IndexStatus#BUILDING} with progress; searches use an exact scan
     * meanwhile). Changing to {@code flat} drops the index. Asking for the spec the collection already has changes
     * nothing.
     *
     * @return the collection as it is after the change (usually {@code BUILDING})
     * @since 1.1
     */
    CollectionInfo changeIndex(String collection, IndexSpec index);

    /**
     * Rebuilds the collection's index from its records in the background (status {@link IndexStatus#BUILDING},
     * exact scan meanwhile, swapped in atomically when complete). Nothing to do for a {@code flat} collection.
     *
     * @return the collection as it is after the rebuild started
     * @since 1.1
     */
    CollectionInfo rebuildIndex(String collection);
}
