package dev.caracal.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The tenant-name rule, and what a store written before tenants (one that implements only the collection methods)
 * answers through the tenancy methods: it is the default tenant's store and refuses every other tenant.
 */
class TenancyDefaultsTest {

    @Test
    void tenantNamesFollowTheSecurityRule() {
        for (String ok : List.of("default", "a", "acme-corp", "team_7", "0day", "a".repeat(63))) {
            assertTrue(TenantNames.isValid(ok), ok);
            assertEquals(ok, TenantNames.require(ok));
        }
        for (String bad : new String[] {null, "", "Acme", "-a", "_a", "a.b", "a/b", "..", "a b", "a".repeat(64), "é"}) {
            assertFalse(TenantNames.isValid(bad), bad);
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> TenantNames.require(bad));
            assertEquals("tenant", e.field());
        }
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> TenantNames.require("A/../b"));
        assertTrue(e.getMessage().contains("invalid tenant name 'A/../b'"), e.getMessage());
        assertTrue(e.getMessage().contains(TenantNames.RULE), e.getMessage());
    }

    @Test
    void aStoreWithoutTenancyIsTheDefaultTenantsStore() {
        VectorStore store = new OneCollectionStore();
        assertEquals(VectorStore.DEFAULT_TENANT, store.tenant());
        assertSame(store, store.forTenant("default"));
        InvalidRequestException other = assertThrows(InvalidRequestException.class, () -> store.forTenant("acme"));
        assertEquals("tenant", other.field());
        assertTrue(other.getMessage().contains("'default' only"), other.getMessage());
        assertEquals(
                "tenant",
                assertThrows(InvalidRequestException.class, () -> store.forTenant("ACME"))
                        .field());
        Map<String, List<CollectionInfo>> all = store.collectionsByTenant();
        assertEquals(List.of("default"), List.copyOf(all.keySet()));
        assertEquals("docs", all.get("default").get(0).spec().name());
    }

    /** A store that implements only the methods of the API before tenants, holding one collection. */
    static final class OneCollectionStore implements VectorStore {
        private final CollectionInfo docs = new CollectionInfo(
                new CollectionSpec("docs", 2, Metric.L2, null, IndexSpec.FLAT_SPEC), 0, null, Instant.EPOCH);

        @Override
        public CollectionInfo createCollection(CollectionSpec spec) {
            throw new CollectionExistsException(spec.name());
        }

        @Override
        public List<CollectionInfo> listCollections() {
            return List.of(docs);
        }

        @Override
        public CollectionInfo describe(String collection) {
            return docs;
        }

        @Override
        public boolean dropCollection(String collection) {
            return false;
        }

        @Override
        public UpsertResult upsert(String collection, List<VectorRecord> records) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<VectorRecord> get(String collection, String id) {
            return Optional.empty();
        }

        @Override
        public int delete(String collection, Collection<String> ids) {
            return 0;
        }

        @Override
        public long count(String collection) {
            return 0;
        }

        @Override
        public SearchResult search(String collection, SearchRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CollectionInfo changeIndex(String collection, IndexSpec index) {
            return docs;
        }

        @Override
        public CollectionInfo rebuildIndex(String collection) {
            return docs;
        }
    }
}
