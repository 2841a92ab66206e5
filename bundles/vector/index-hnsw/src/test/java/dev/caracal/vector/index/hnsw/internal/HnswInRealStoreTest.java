package dev.caracal.vector.index.hnsw.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.testkit.GroundTruth;
import dev.caracal.vector.index.testkit.IndexTestData;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin inside the real store across a restart (serving a collection and leaving it: the store round trip of
 * {@link HnswConformanceTest}).
 */
class HnswInRealStoreTest {
    @TempDir
    Path dataDir;

    /** Restarting the store resumes the persisted graph: only the delta is applied, recall is kept. */
    @Test
    void resumesAfterARestart() throws Exception {
        float[][] data = IndexTestData.lowRankClustered(new Random(13), 4000, 24, 20);
        StoreSettings settings = new StoreSettings(dataDir, 2, 10000, 10000, 512, 4, 1);
        Map<String, Object> props = Map.of(VectorIndexFactory.TYPE_PROPERTY, "hnsw");
        VectorStoreComponent store = VectorStoreComponent.standalone(settings);
        try {
            store.bindIndexFactory(new HnswIndexFactory(), props);
            store.createCollection(
                    new CollectionSpec("c", 24, Metric.L2, null, new IndexSpec("hnsw", Map.of("m", 12L))));
            upsert(store, data, 0, 3000);
            awaitReady(store);
            store.delete("c", List.of("r1", "r2", "r3"));
        } finally {
            store.stop();
        }
        AtomicInteger restored = new AtomicInteger(-1);
        HnswIndexFactory real = new HnswIndexFactory();
        VectorIndexFactory recording = new VectorIndexFactory() {
            @Override
            public String type() {
                return real.type();
            }

            @Override
            public Map<String, Object> validateBuildParams(Map<String, Object> params) {
                return real.validateBuildParams(params);
            }

            @Override
            public Map<String, Object> validateQueryParams(Map<String, Object> params) {
                return real.validateQueryParams(params);
            }

            @Override
            public boolean supports(Metric metric) {
                return real.supports(metric);
            }

            @Override
            public VectorIndex open(IndexContext context) {
                VectorIndex index = real.open(context);
                restored.set(index.restoredOrdinals());
                return index;
            }
        };
        store = VectorStoreComponent.standalone(settings);
        try {
            store.bindIndexFactory(recording, props);
            awaitReady(store);
            assertEquals(3000, restored.get(), "resumed from the persisted graph");
            store.delete("c", List.of("r4"));
            upsert(store, data, 3000, 4000);
            awaitReady(store);
            assertEquals(4000 - 4, store.count("c"));
            float[][] queries = IndexTestData.lowRankClustered(new Random(14), 40, 24, 20);
            double sum = 0;
            for (float[] q : queries) {
                SearchResult r = store.search("c", SearchRequest.ofVector(q, 10, null));
                assertEquals("hnsw", r.servedBy());
                Set<String> truth = new HashSet<>();
                for (int o : GroundTruth.bruteForce(data, Metric.L2, q, 10, o -> o < 1 || o > 4)) {
                    truth.add("r" + o);
                }
                for (SearchHit h : r.hits()) {
                    assertTrue(!Set.of("r1", "r2", "r3", "r4").contains(h.id()), "deleted record " + h.id());
                }
                sum += r.hits().stream()
                                .map(SearchHit::id)
                                .filter(truth::contains)
                                .count()
                        / 10.0;
            }
            double recall = sum / queries.length;
            System.out.printf("hnsw in the store after a restart (resumed): recall@10 %.4f%n", recall);
            assertTrue(recall >= 0.95, "recall " + recall);
        } finally {
            store.stop();
        }
    }

    private static void upsert(VectorStoreComponent store, float[][] data, int from, int to) {
        List<VectorRecord> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(new VectorRecord("r" + i, data[i], Map.of("n", i), null, List.of()));
        }
        store.upsert("c", records);
    }

    private static void awaitReady(VectorStoreComponent store) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (store.describe("c").index().status() != IndexStatus.READY) {
            assertTrue(System.nanoTime() < deadline, "READY in time");
            Thread.sleep(10);
        }
    }
}
