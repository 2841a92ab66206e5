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
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin inside the real store: build in the background, READY, served by hnsw, DEGRADED when it leaves. */
class HnswInRealStoreTest {
    @TempDir
    Path dataDir;

    @Test
    void servesACollectionAndLeavesCleanly() throws Exception {
        VectorStoreComponent store = VectorStoreComponent.standalone(new StoreSettings(dataDir, 2, 10000, 10000, 512,
                4, 1));
        try {
            HnswIndexFactory factory = new HnswIndexFactory();
            Map<String, Object> props = Map.of(VectorIndexFactory.TYPE_PROPERTY, "hnsw");
            store.bindIndexFactory(factory, props);
            store.createCollection(new CollectionSpec("c", 32, Metric.COSINE, null,
                    new IndexSpec("hnsw", Map.of("m", 16L))));
            float[][] data = TestData.clustered(new Random(3), 5000, 32, 20);
            List<VectorRecord> records = new ArrayList<>();
            for (int i = 0; i < data.length; i++) {
                records.add(new VectorRecord("r" + i, data[i], Map.of("n", i), null, List.of()));
                if (records.size() == 1000) {
                    store.upsert("c", records);
                    records.clear();
                }
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (store.describe("c").index().status() != IndexStatus.READY) {
                assertTrue(System.nanoTime() < deadline, "READY in time");
                Thread.sleep(10);
            }
            float[][] unit = TestData.forMetric(data, Metric.COSINE);
            float[][] queries = TestData.clustered(new Random(4), 50, 32, 20);
            double sum = 0;
            for (float[] q : queries) {
                SearchResult r = store.search("c", SearchRequest.ofVector(q, 10, null));
                assertEquals("hnsw", r.servedBy());
                assertEquals(10, r.hits().size());
                float[] uq = q.clone();
                TestData.normalize(uq);
                Set<String> truth = new HashSet<>();
                for (int o : TestData.bruteForce(unit, Metric.COSINE, uq, 10, null)) {
                    truth.add("r" + o);
                }
                sum += r.hits().stream().map(SearchHit::id).filter(truth::contains).count() / 10.0;
                for (SearchHit h : r.hits()) {
                    assertTrue(h.score() <= 1.0001f && h.score() >= -1.0001f);
                }
            }
            double recall = sum / queries.length;
            System.out.printf("hnsw in the store: recall@10 %.4f%n", recall);
            assertTrue(recall >= 0.95, "recall " + recall);

            // the plugin leaves: DEGRADED, searches still answer by exact scan
            store.unbindIndexFactory(factory, props);
            assertEquals(IndexStatus.DEGRADED, store.describe("c").index().status());
            SearchResult r = store.search("c", SearchRequest.ofVector(queries[0], 10, null));
            assertEquals("flat", r.servedBy());
            assertTrue(r.degraded());
            assertEquals(10, r.hits().size());
        } finally {
            store.stop();
        }
    }
}
