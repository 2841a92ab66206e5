package dev.caracal.vector.store.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.CollectionExistsException;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.Edge;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.UpsertResult;
import dev.caracal.vector.VectorRecord;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CollectionsAndRecordsTest extends StoreTestSupport {

    @Test
    void createListDescribeDrop() {
        CollectionInfo info = create("docs", 4, Metric.COSINE);
        assertEquals("docs", info.spec().name());
        assertEquals(4, info.spec().dimension());
        assertEquals(0, info.count());
        assertEquals("flat", info.index().type());
        assertEquals(IndexStatus.READY, info.index().status());
        create("alpha.v1", 8, Metric.L2);
        assertEquals(
                List.of("alpha.v1", "docs"),
                store.listCollections().stream().map(c -> c.spec().name()).toList());
        assertEquals(Metric.L2, store.describe("alpha.v1").spec().metric());
        assertThrows(CollectionExistsException.class, () -> create("docs", 4, Metric.COSINE));

        assertTrue(store.dropCollection("docs"));
        assertFalse(store.dropCollection("docs"));
        assertFalse(store.dropCollection("../etc"));
        assertThrows(CollectionNotFoundException.class, () -> store.describe("docs"));
        assertThrows(CollectionNotFoundException.class, () -> store.count("docs"));
        assertEquals(
                List.of("alpha.v1"),
                store.listCollections().stream().map(c -> c.spec().name()).toList());
        // recreate under the same name: empty
        create("docs", 3, Metric.DOT);
        assertEquals(0, store.count("docs"));
        assertEquals(3, store.describe("docs").spec().dimension());
    }

    @Test
    void specValidationNamesTheField() {
        assertField("name", () -> create("", 4, Metric.COSINE));
        assertField("name", () -> create("_x", 4, Metric.COSINE));
        assertField("name", () -> create("a/b", 4, Metric.COSINE));
        assertField("name", () -> create("x".repeat(65), 4, Metric.COSINE));
        create("x".repeat(64), 4, Metric.COSINE);
        assertField("dimension", () -> create("d0", 0, Metric.COSINE));
        assertField("dimension", () -> create("d1", -1, Metric.COSINE));
        assertField("dimension", () -> create("d2", 65_537, Metric.COSINE));
        create("d3", 65_536, Metric.DOT);
        InvalidRequestException e = assertThrows(
                InvalidRequestException.class,
                () -> store.createCollection(
                        new CollectionSpec("i", 4, Metric.COSINE, null, new IndexSpec("hnsw", Map.of()))));
        assertEquals("index.type", e.field());
        assertTrue(e.getMessage().contains("unknown index type 'hnsw'; available: flat"), e.getMessage());
    }

    @Test
    void upsertGetDeleteCount() {
        create("c", 3, Metric.COSINE);
        VectorRecord a = new VectorRecord(
                "a",
                new float[] {1, 2, 3},
                Map.of("k", "v", "n", 1, "nested", Map.of("x", List.of(1, 2))),
                "hello",
                List.of(new Edge("b", "cites", 0.5)));
        VectorRecord b = new VectorRecord("b", new float[] {3, 2, 1}, null, null, null);
        UpsertResult r = store.upsert("c", List.of(a, b));
        assertEquals(new UpsertResult(2, 0, 0), r);
        assertEquals(2, store.count("c"));

        VectorRecord got = store.get("c", "a").orElseThrow();
        assertEquals("a", got.id());
        assertArrayEquals(new float[] {1, 2, 3}, got.vector(), "get returns the vector as stored, not normalized");
        assertEquals(Map.of("k", "v", "n", 1, "nested", Map.of("x", List.of(1, 2))), got.metadata());
        assertEquals("hello", got.text());
        assertEquals(List.of(new Edge("b", "cites", 0.5)), got.edges());
        VectorRecord gotB = store.get("c", "b").orElseThrow();
        assertEquals(Map.of(), gotB.metadata());
        assertNull(gotB.text());
        assertEquals(List.of(), gotB.edges());
        assertTrue(store.get("c", "zzz").isEmpty());

        // replace by id
        r = store.upsert("c", List.of(new VectorRecord("a", new float[] {0, 0, 1}, Map.of("k", "w"), null, null)));
        assertEquals(new UpsertResult(0, 1, 0), r);
        assertEquals(2, store.count("c"));
        got = store.get("c", "a").orElseThrow();
        assertArrayEquals(new float[] {0, 0, 1}, got.vector());
        assertEquals(Map.of("k", "w"), got.metadata());
        assertEquals(List.of(), got.edges());
        // the old version is not searchable any more
        var hits = store.search("c", SearchRequest.ofVector(new float[] {1, 2, 3}, 10, null))
                .hits();
        assertEquals(2, hits.size());
        assertEquals(Set.of("a", "b"), hits.stream().map(h -> h.id()).collect(Collectors.toSet()));

        assertEquals(1, store.delete("c", List.of("a", "missing", "a")));
        assertEquals(1, store.count("c"));
        assertTrue(store.get("c", "a").isEmpty());
        assertEquals(0, store.delete("c", List.of("a")));
        assertEquals(0, store.delete("c", List.of()));
        assertThrows(CollectionNotFoundException.class, () -> store.upsert("nope", List.of(b)));
        assertThrows(CollectionNotFoundException.class, () -> store.get("nope", "b"));
        assertThrows(CollectionNotFoundException.class, () -> store.delete("nope", List.of("b")));
    }

    @Test
    void batchesOfThousands() {
        int dim = 16;
        create("big", dim, Metric.DOT);
        Random random = new Random(1);
        for (int batch = 0; batch < 5; batch++) {
            UpsertResult r = store.upsert("big", randomRecords(random, "r", batch * 2000, 2000, dim));
            assertEquals(2000, r.inserted());
        }
        assertEquals(10_000, store.count("big"));
        // replace half of one batch, mixed with new ids
        List<VectorRecord> mixed = new ArrayList<>(randomRecords(random, "r", 0, 1000, dim));
        mixed.addAll(randomRecords(random, "r", 10_000, 1000, dim));
        assertEquals(new UpsertResult(1000, 1000, 0), store.upsert("big", mixed));
        assertEquals(11_000, store.count("big"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 11_000; i += 2) {
            ids.add("r" + i);
        }
        assertEquals(ids.size(), store.delete("big", ids));
        assertEquals(11_000 - ids.size(), store.count("big"));
        assertTrue(store.get("big", "r2").isEmpty());
        assertTrue(store.get("big", "r3").isPresent());
        var hits = store.search("big", SearchRequest.ofVector(randomVector(random, dim), 10_000, null))
                .hits();
        assertEquals(11_000 - ids.size(), hits.size());
        assertTrue(hits.stream().allMatch(h -> Integer.parseInt(h.id().substring(1)) % 2 == 1));
    }

    @Test
    void duplicateIdsInOneBatchKeepTheLast() {
        create("d", 2, Metric.L2);
        UpsertResult r = store.upsert(
                "d",
                List.of(
                        new VectorRecord("x", new float[] {1, 1}, Map.of("v", 1), null, null),
                        new VectorRecord("y", new float[] {2, 2}, null, null, null),
                        new VectorRecord("x", new float[] {3, 3}, Map.of("v", 2), null, null)));
        assertEquals(new UpsertResult(2, 0, 0), r);
        assertEquals(2, store.count("d"));
        assertEquals(Map.of("v", 2), store.get("d", "x").orElseThrow().metadata());
    }

    @Test
    void recordValidationNamesTheField() {
        create("v", 3, Metric.COSINE);
        float[] ok = {1, 0, 0};
        assertField("records[1].vector", () -> store.upsert("v", List.of(rec("a", ok), rec("b", new float[] {1, 2}))));
        assertField("records[0].vector", () -> store.upsert("v", List.of(rec("a", new float[] {1, Float.NaN, 0}))));
        assertField(
                "records[0].vector",
                () -> store.upsert("v", List.of(rec("a", new float[] {1, Float.POSITIVE_INFINITY, 0}))));
        assertField("records[0].vector", () -> store.upsert("v", List.of(rec("a", new float[] {0, 0, 0}))));
        assertField(
                "records[0].vector", () -> store.upsert("v", List.of(new VectorRecord("a", null, null, null, null))));
        assertField(
                "records[0].vector",
                () -> store.upsert("v", List.of(new VectorRecord("a", null, null, "text but no model", null))));
        assertField("records[0].id", () -> store.upsert("v", List.of(rec("", ok))));
        assertField("records[0].id", () -> store.upsert("v", List.of(rec("x".repeat(513), ok))));
        store.upsert("v", List.of(rec("x".repeat(512), ok)));
        assertField("records[0]", () -> store.upsert("v", Arrays.asList((VectorRecord) null)));
        assertField(
                "records[0].metadata.when",
                () -> store.upsert("v", List.of(new VectorRecord("a", ok, Map.of("when", new Object()), null, null))));
        assertField(
                "records[0].metadata.x.y",
                () -> store.upsert(
                        "v", List.of(new VectorRecord("a", ok, Map.of("x", Map.of("y", Double.NaN)), null, null))));
        assertField(
                "records[0].edges[0].weight",
                () -> store.upsert(
                        "v", List.of(new VectorRecord("a", ok, null, null, List.of(new Edge("b", "t", Double.NaN))))));
        assertField(
                "records[0].edges[0].target",
                () -> store.upsert("v", List.of(new VectorRecord("a", ok, null, null, List.of(new Edge("", "t", 1))))));
        List<VectorRecord> tooMany = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            tooMany.add(rec("r" + i, ok));
        }
        assertField("records", () -> store.upsert("v", tooMany));
        assertEquals(1, store.count("v"), "nothing of a rejected batch is written");
    }

    @Test
    void dropLeavesNothingBehindAndLeftoversAreCleaned() throws Exception {
        create("gone", 2, Metric.DOT);
        store.upsert("gone", List.of(rec("a", new float[] {1, 2})));
        assertTrue(store.dropCollection("gone"));
        try (var files = Files.list(dataDir.resolve("collections/default"))) {
            assertEquals(0, files.count());
        }
        // a drop or create interrupted by a crash leaves a dot-directory beside the collection's place (or, written
        // before tenants, in the collections directory): it never loads as a collection
        Files.createDirectories(dataDir.resolve("collections/default/.dropped-x-1"));
        Files.writeString(dataDir.resolve("collections/default/.dropped-x-1/records.mv.db"), "half");
        Files.createDirectories(dataDir.resolve("collections/default/.creating-y-2"));
        Files.createDirectories(dataDir.resolve("collections/.dropped-z-3"));
        Files.writeString(dataDir.resolve("collections/.dropped-z-3/records.mv.db"), "half");
        restart();
        assertEquals(List.of(), store.listCollections());
        try (var files = Files.list(dataDir.resolve("collections"))) {
            assertEquals(
                    List.of("default"),
                    files.map(f -> f.getFileName().toString()).toList());
        }
        try (var files = Files.list(dataDir.resolve("collections/default"))) {
            assertEquals(0, files.count());
        }
    }

    static VectorRecord rec(String id, float[] v) {
        return new VectorRecord(id, v, null, null, null);
    }

    static void assertField(String field, org.junit.jupiter.api.function.Executable e) {
        InvalidRequestException ex = assertThrows(InvalidRequestException.class, e);
        assertEquals(field, ex.field(), ex.getMessage());
    }
}
