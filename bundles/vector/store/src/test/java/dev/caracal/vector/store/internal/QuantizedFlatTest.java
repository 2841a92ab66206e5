package dev.caracal.vector.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.Filter;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchMode;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.index.VectorIndex;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The int8 flat index: recall against the exact scan, exact final scores, filters, deletes, parameters. */
class QuantizedFlatTest extends StoreTestSupport {
    private static final IndexSpec INT8 = new IndexSpec(IndexSpec.FLAT, Map.of("quantization", "int8"));

    private void createInt8(String name, int dim, Metric metric) {
        store.createCollection(new CollectionSpec(name, dim, metric, null, INT8));
    }

    private void awaitReady(String name) {
        await(() -> store.describe(name).index().status() == IndexStatus.READY, "the int8 index");
    }

    @ParameterizedTest
    @EnumSource(
            value = Metric.class,
            names = {"COSINE", "DOT", "L2"})
    void recallAgainstTheExactScanWithExactScores(Metric metric) {
        int dim = 96;
        Random random = new Random(metric.ordinal() + 7);
        createInt8("q", dim, metric);
        create("e", dim, metric);
        for (int from = 0; from < 20_000; from += 5000) {
            List<VectorRecord> batch = randomRecords(random, "r", from, 5000, dim);
            store.upsert("q", batch);
            store.upsert("e", batch);
        }
        awaitReady("q");
        int found = 0;
        int queries = 50;
        for (int i = 0; i < queries; i++) {
            float[] query = randomVector(random, dim);
            SearchResult approx = store.search("q", SearchRequest.ofVector(query, 10, null));
            SearchResult exact = store.search("e", SearchRequest.ofVector(query, 10, null));
            assertEquals("flat-int8", approx.servedBy());
            Set<String> truth = new HashSet<>();
            for (SearchHit h : exact.hits()) {
                truth.add(h.id());
            }
            for (SearchHit h : approx.hits()) {
                if (truth.contains(h.id())) {
                    found++;
                }
                // the final scores are exact: the same as the exact scan gives that record
                float[] v = store.get("e", h.id()).orElseThrow().vector();
                assertEquals(
                        SearchTest.reference(query, v, metric), h.score(), 1e-3 * Math.max(1, Math.abs(h.score())));
            }
        }
        double recall = found / (10.0 * queries);
        assertTrue(recall >= 0.98, metric + " recall@10 " + recall);
    }

    @Test
    void filtersDeletesAndReplacementsAreHonoured() {
        createInt8("q", 16, Metric.L2);
        Random random = new Random(3);
        store.upsert("q", randomRecords(random, "r", 0, 3000, 16));
        awaitReady("q");
        float[] target = store.get("q", "r17").orElseThrow().vector();
        assertEquals("r17", nearest("q", target));
        store.delete("q", List.of("r17"));
        assertTrue(store.search("q", SearchRequest.ofVector(target, 5, null)).hits().stream()
                .noneMatch(h -> h.id().equals("r17")));
        SearchResult filtered = store.search("q", SearchRequest.ofVector(target, 10, new Filter.Eq("group", "g3")));
        assertEquals(10, filtered.hits().size());
        filtered.hits().forEach(h -> assertEquals("g3", h.metadata().get("group")));
        // a replaced record is found at its new place
        float[] moved = new float[16];
        moved[0] = 1000;
        store.upsert("q", List.of(new VectorRecord("r5", moved, Map.of(), null, List.of())));
        assertEquals("r5", nearest("q", moved));
        VectorIndex index = store.collection("q").index.view().index();
        assertEquals(2999, index.size());
        assertTrue(index.memoryBytes() > 0 && index.memoryBytes() < 3000L * 16 * 4 * 2);
    }

    @Test
    void anExistingCollectionChangesToInt8AndBack() {
        create("c", 8, Metric.COSINE);
        store.upsert("c", randomRecords(new Random(5), "r", 0, 1000, 8));
        store.changeIndex("c", INT8);
        awaitReady("c");
        float[] q = store.get("c", "r1").orElseThrow().vector();
        assertEquals(
                "flat-int8",
                store.search("c", SearchRequest.ofVector(q, 3, null)).servedBy());
        assertEquals(
                "r1",
                store.search("c", new SearchRequest(q, null, 3, null, SearchMode.VECTOR, Map.of("rerank", 50), false))
                        .hits()
                        .get(0)
                        .id());
        store.changeIndex("c", IndexSpec.FLAT_SPEC);
        assertEquals(
                "flat", store.search("c", SearchRequest.ofVector(q, 3, null)).servedBy());
        restart();
        assertEquals(IndexSpec.FLAT_SPEC, store.describe("c").spec().index());
    }

    /** A vector search of {@code collection} with the query parameters {@code params} is refused, naming {@code field}. */
    void assertQueryParamRefused(String field, String collection, float[] vector, Map<String, Object> params) {
        CollectionsAndRecordsTest.assertField(
                field,
                () -> store.search(
                        collection, new SearchRequest(vector, null, 1, null, SearchMode.VECTOR, params, false)));
    }

    @Test
    void parametersAreValidatedAndNamed() {
        create("plain", 4, Metric.L2);
        createInt8("q", 4, Metric.L2);
        float[] v = {1, 2, 3, 4};
        assertQueryParamRefused("params.ef", "plain", v, Map.of("ef", 10));
        assertQueryParamRefused("params.rerank", "q", v, Map.of("rerank", 0));
        assertQueryParamRefused("params.rerank", "q", v, Map.of("rerank", "lots"));
        assertQueryParamRefused("params.nprobe", "q", v, Map.of("nprobe", 3));
        CollectionsAndRecordsTest.assertField(
                "index.quantization",
                () -> store.createCollection(new CollectionSpec("h", 4, Metric.HAMMING, null, INT8)));
        CollectionsAndRecordsTest.assertField(
                "index.quantization",
                () -> store.createCollection(new CollectionSpec(
                        "x", 4, Metric.L2, null, new IndexSpec("flat", Map.of("quantization", "int4")))));
        CollectionsAndRecordsTest.assertField(
                "index.bits",
                () -> store.createCollection(
                        new CollectionSpec("y", 4, Metric.L2, null, new IndexSpec("flat", Map.of("bits", 8)))));
    }
}
