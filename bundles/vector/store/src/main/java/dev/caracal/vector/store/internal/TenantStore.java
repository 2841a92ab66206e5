package dev.caracal.vector.store.internal;

import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.TenantNames;
import dev.caracal.vector.UpsertResult;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.VectorStore;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The store as one tenant sees it ({@link VectorStore#forTenant}): every method finds, creates and changes that
 * tenant's collections only, so another tenant's collection of the same name is never reached. Asking it for another
 * tenant is refused (the interface's default), and {@link #collectionsByTenant} lists its own tenant only.
 */
final class TenantStore implements VectorStore {
    private final VectorStoreComponent store;
    private final String tenant;

    TenantStore(VectorStoreComponent store, String tenant) {
        this.store = store;
        this.tenant = TenantNames.require(tenant);
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public CollectionInfo createCollection(CollectionSpec spec) {
        return store.collections.create(tenant, spec);
    }

    @Override
    public List<CollectionInfo> listCollections() {
        return store.collections.list(tenant);
    }

    @Override
    public CollectionInfo describe(String collection) {
        return store.collections.describe(tenant, collection);
    }

    @Override
    public boolean dropCollection(String collection) {
        return store.collections.drop(tenant, collection);
    }

    @Override
    public CollectionInfo changeIndex(String collection, IndexSpec index) {
        return store.indexes.changeIndex(tenant, collection, index);
    }

    @Override
    public CollectionInfo rebuildIndex(String collection) {
        return store.indexes.rebuildIndex(tenant, collection);
    }

    @Override
    public UpsertResult upsert(String collection, List<VectorRecord> records) {
        StoredCollection c = store.collections.require(tenant, collection);
        return store.writer.upsert(c, records);
    }

    @Override
    public Optional<VectorRecord> get(String collection, String id) {
        StoredCollection c = store.collections.require(tenant, collection);
        if (id == null) {
            throw new InvalidRequestException("id", "an id is required");
        }
        return c.get(id);
    }

    @Override
    public int delete(String collection, Collection<String> ids) {
        StoredCollection c = store.collections.require(tenant, collection);
        return store.writer.delete(c, ids);
    }

    @Override
    public long count(String collection) {
        return store.collections.require(tenant, collection).count();
    }

    @Override
    public SearchResult search(String collection, SearchRequest request) {
        StoredCollection c = store.collections.require(tenant, collection);
        return store.planner.search(c, request);
    }

    @Override
    public String toString() {
        return "vector store of tenant " + tenant;
    }
}
