package dev.caracal.vector.store.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.core.health.HealthStatus;
import dev.caracal.security.TenantData;
import dev.caracal.vector.CollectionExistsException;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.VectorStore;
import dev.caracal.vector.index.VectorIndexFactory;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Collections belong to tenants: the same name in two tenants is two collections, each tenant's view of the store
 * reaches its own only, the service's own methods are the default tenant's, the folders are
 * {@code collections/<tenant>/<name>}, and the collections are tenant-owned data that a tenant's deletion drops.
 */
class TenancyTest extends StoreTestSupport {

    static CollectionSpec docs(int dimension) {
        return new CollectionSpec("docs", dimension, Metric.L2, null, IndexSpec.FLAT_SPEC);
    }

    static VectorRecord rec(String id, float... v) {
        return new VectorRecord(id, v, Map.of("owner", id), "text of " + id, List.of());
    }

    @Test
    void twoTenantsEachHaveTheirOwnCollectionOfTheSameName() {
        VectorStore a = store.forTenant("a");
        VectorStore b = store.forTenant("b");
        a.createCollection(docs(2));
        b.createCollection(docs(3)); // same name, another collection: another dimension even
        a.upsert("docs", List.of(rec("a1", 1, 0), rec("a2", 0, 1)));
        b.upsert("docs", List.of(rec("b1", 1, 0, 0)));

        assertEquals(2, a.count("docs"));
        assertEquals(1, b.count("docs"));
        assertEquals(2, a.describe("docs").spec().dimension());
        assertEquals(3, b.describe("docs").spec().dimension());
        assertTrue(a.get("docs", "b1").isEmpty());
        assertTrue(b.get("docs", "a1").isEmpty());
        assertArrayEquals(
                new float[] {1, 0, 0}, b.get("docs", "b1").orElseThrow().vector());
        assertEquals(
                "a1",
                a.search("docs", SearchRequest.ofVector(new float[] {1, 0}, 5, null))
                        .hits()
                        .get(0)
                        .id());
        assertEquals(
                1,
                b.search("docs", SearchRequest.ofVector(new float[] {1, 0, 0}, 5, null))
                        .hits()
                        .size());
        assertEquals(0, a.delete("docs", List.of("b1")), "a's delete does not reach b's record");
        assertEquals(1, b.count("docs"));

        // the default tenant (the service's own methods) has none of them
        assertThrows(CollectionNotFoundException.class, () -> store.describe("docs"));
        assertEquals(List.of(), store.listCollections());
        assertThrows(
                CollectionNotFoundException.class, () -> store.forTenant("c").count("docs"));

        // index changes reach one tenant's collection only
        a.changeIndex("docs", new IndexSpec(IndexSpec.FLAT, Map.of("quantization", "int8")));
        assertEquals("int8", a.describe("docs").spec().index().params().get("quantization"));
        assertEquals(Map.of(), b.describe("docs").spec().index().params());
        a.rebuildIndex("docs");

        assertThrows(CollectionExistsException.class, () -> a.createCollection(docs(2)));
        assertTrue(a.dropCollection("docs"));
        assertFalse(a.dropCollection("docs"));
        assertEquals(1, b.count("docs"), "dropping a's docs leaves b's");
        assertTrue(Files.isDirectory(dataDir.resolve("collections/b/docs")));
        assertFalse(Files.exists(dataDir.resolve("collections/a/docs")));
    }

    @Test
    void theServiceIsTheDefaultTenantAndListsEveryTenantForTheOperator() {
        create("shared", 2, Metric.DOT);
        store.forTenant("acme").createCollection(docs(2));
        store.forTenant("acme").createCollection(new CollectionSpec("zeta", 2, Metric.L2, null, IndexSpec.FLAT_SPEC));
        store.forTenant("beta").createCollection(docs(2));

        assertEquals(VectorStore.DEFAULT_TENANT, store.tenant());
        assertEquals("acme", store.forTenant("acme").tenant());
        assertSame(store.forTenant("default"), store.forTenant("default"));
        assertEquals(List.of("shared"), names(store.forTenant("default").listCollections()));
        assertEquals(List.of("shared"), names(store.listCollections()));
        assertEquals(List.of("docs", "zeta"), names(store.forTenant("acme").listCollections()));

        Map<String, List<CollectionInfo>> all = store.collectionsByTenant();
        assertEquals(List.of("acme", "beta", "default"), List.copyOf(all.keySet()));
        assertEquals(List.of("docs", "zeta"), names(all.get("acme")));
        assertEquals(List.of("docs"), names(all.get("beta")));
        assertEquals(List.of("shared"), names(all.get("default")));
        // a view answers for its own tenant only, and never leads to another
        assertEquals(
                List.of("acme"),
                List.copyOf(store.forTenant("acme").collectionsByTenant().keySet()));
        InvalidRequestException escape = assertThrows(
                InvalidRequestException.class, () -> store.forTenant("acme").forTenant("beta"));
        assertEquals("tenant", escape.field());
        assertEquals("acme", store.forTenant("acme").forTenant("acme").tenant());

        // after a restart, every tenant's collections are where they were
        restart();
        assertEquals(
                List.of("acme", "beta", "default"),
                List.copyOf(store.collectionsByTenant().keySet()));
        assertTrue(Files.isDirectory(dataDir.resolve("collections/acme/zeta")));
        assertTrue(Files.isDirectory(dataDir.resolve("collections/default/shared")));
    }

    @Test
    void anInvalidTenantIsARequestErrorNamingTheTenant() throws Exception {
        for (String bad : new String[] {null, "", "Acme", "../x", "a/b", ".hidden", "a".repeat(64), "x y"}) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> store.forTenant(bad));
            assertEquals("tenant", e.field(), String.valueOf(bad));
        }
        try (var folders = Files.list(dataDir.resolve("collections"))) {
            assertEquals(0, folders.count(), "no folder was made for any of them");
        }
    }

    @Test
    void healthAndPluginsNameCollectionsOutsideTheDefaultTenantByTenant() {
        TestIndexFactory index = new TestIndexFactory();
        store.bindIndexFactory(index, Map.of(VectorIndexFactory.TYPE_PROPERTY, TestIndexFactory.TYPE));
        create("docs", 2, Metric.L2);
        store.forTenant("acme")
                .createCollection(
                        new CollectionSpec("docs", 2, Metric.L2, null, new IndexSpec(TestIndexFactory.TYPE, Map.of())));
        await(() -> store.forTenant("acme").describe("docs").index().status() == IndexStatus.READY, "READY");
        assertEquals("acme/docs", index.last.context.collection(), "plugins see the collection as logs name it");
        var health = store.check();
        assertEquals(HealthStatus.UP, health.status(), health.message());
        assertTrue(health.details().containsKey("docs"), health.details().toString());
        assertTrue(health.details().containsKey("acme/docs"), health.details().toString());

        store.unbindIndexFactory(index, Map.of(VectorIndexFactory.TYPE_PROPERTY, TestIndexFactory.TYPE));
        health = store.check();
        assertEquals(HealthStatus.DEGRADED, health.status());
        assertTrue(health.message().startsWith("acme/docs: "), health.message());
    }

    @Test
    void collectionsAreTenantDataThatATenantsDeletionDrops() throws Exception {
        TenantData data = store.tenantData();
        assertEquals("collections", data.kind());
        store.forTenant("acme").createCollection(docs(2));
        store.forTenant("acme").createCollection(new CollectionSpec("more", 2, Metric.L2, null, IndexSpec.FLAT_SPEC));
        store.forTenant("beta").createCollection(docs(2));
        store.forTenant("beta").upsert("docs", List.of(rec("b1", 1, 1)));
        assertEquals(2, data.count("acme"));
        assertEquals(1, data.count("beta"));
        assertEquals(0, data.count("nobody"));
        assertEquals(0, data.count("Not A Tenant"));

        // a collection that cannot be opened still belongs to its tenant, and goes with it
        Files.write(dataDir.resolve("collections/acme/more/records.mv.db"), new byte[] {1, 2, 3});
        restart();
        data = store.tenantData();
        assertEquals(List.of("docs"), names(store.forTenant("acme").listCollections()));
        assertEquals(2, data.count("acme"), "the broken one counts");

        data.deleteAll("acme");
        data.deleteAll("Not A Tenant"); // owns nothing: nothing to do
        assertEquals(0, data.count("acme"));
        assertEquals(List.of(), store.forTenant("acme").listCollections());
        assertFalse(Files.exists(dataDir.resolve("collections/acme")), "its folder goes too");
        assertEquals(1, store.forTenant("beta").count("docs"));
        // the name can be a tenant again, and starts with nothing
        restart();
        assertEquals(List.of(), store.forTenant("acme").listCollections());
        store.forTenant("acme").createCollection(docs(2));
        assertEquals(0, store.forTenant("acme").count("docs"));
    }

    static List<String> names(List<CollectionInfo> infos) {
        return infos.stream().map(i -> i.spec().name()).toList();
    }
}
