package dev.caracal.vector;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The durable vector database. Writes are acknowledged only once durable. Every method is thread-safe. Failures
 * are {@link VectorException}s: {@link InvalidRequestException}, {@link CollectionNotFoundException},
 * {@link CollectionExistsException}, {@link EmbeddingUnavailableException}.
 *
 * <p>Every collection belongs to a tenant, and its name is unique within that tenant only (tenants {@code a} and
 * {@code b} may each have a collection {@code docs}). The service's own methods act on the collections of
 * {@link #DEFAULT_TENANT}; {@link #forTenant} gives the same methods acting on another tenant's collections, and
 * nothing else. A surface serving a principal takes the tenant from the principal, never from the request body.
 */
@ProviderType
public interface VectorStore {
    /**
     * The tenant of the service's own methods, of every collection created before collections belonged to tenants,
     * and of the console's commands when they name none.
     *
     * @since 1.4
     */
    String DEFAULT_TENANT = "default";

    /**
     * The tenant whose collections this store acts on: {@link #DEFAULT_TENANT} for the service, the view's tenant for
     * a view returned by {@link #forTenant}.
     *
     * @since 1.4
     */
    default String tenant() {
        return DEFAULT_TENANT;
    }

    /**
     * This store as {@code tenant} sees it: every method of the result (create, list, describe, drop, records,
     * search, index changes) acts only on that tenant's collections, so another tenant's collection is never found
     * there, whatever its name. A tenant needs no creating: its first collection creates it. Asking a view for
     * another tenant than its own is refused (a view never leads out of its tenant).
     *
     * @throws InvalidRequestException naming {@code tenant} when the name is not a valid tenant name
     *     ({@link TenantNames}), or when this is a view of another tenant
     * @since 1.4
     */
    default VectorStore forTenant(String tenant) {
        TenantNames.require(tenant);
        if (tenant.equals(tenant())) {
            return this;
        }
        throw new InvalidRequestException(
                "tenant",
                "this store holds the collections of tenant '" + tenant() + "' only, not of '" + tenant + "'");
    }

    /**
     * The collections of every tenant that has any, by tenant name in name order, each list in collection name order:
     * what the operator's console lists. A view returned by {@link #forTenant} answers its own tenant only.
     *
     * @since 1.4
     */
    default Map<String, List<CollectionInfo>> collectionsByTenant() {
        List<CollectionInfo> own = listCollections();
        return own.isEmpty() ? Map.of() : Map.of(tenant(), own);
    }

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
