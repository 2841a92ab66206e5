package dev.caracal.vector.index.ivf.internal;

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
import dev.caracal.vector.math.TopK;
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

/** The ivf plugin bound to the real store: built in the background, READY, serving; gone: DEGRADED and flat. */
class StoreIntegrationTest {
    @TempDir
    Path dataDir;

    @Test
    void theStoreBuildsAndServesTheIvfIndex() throws Exception {
        VectorStoreComponent store = VectorStoreComponent.standalone(
                new StoreSettings(dataDir, 2, 10000, 10000, 512, 4, 1));
        try {
            IvfIndexFactory factory = new IvfIndexFactory();
            store.bindIndexFactory(factory, Map.of("caracal.index.type", "ivf"));
            int dim = 32;
            store.createCollection(new CollectionSpec("docs", dim, Metric.COSINE, null, new IndexSpec("ivf", Map.of())));
            float[][] data = TestData.clustered(new Random(11), 10_000, dim, 50, 0);
            List<VectorRecord> batch = new ArrayList<>();
            for (int i = 0; i < data.length; i++) {
                batch.add(new VectorRecord("r" + i, data[i], Map.of("n", i), null, List.of()));
                if (batch.size() == 2000) {
                    store.upsert("docs", batch);
                    batch = new ArrayList<>();
                }
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (store.describe("docs").index().status() != IndexStatus.READY) {
                assertTrue(System.nanoTime() < deadline, "READY in time");
                Thread.sleep(10);
            }
            Random random = new Random(12);
            double sum = 0;
            for (int i = 0; i < 50; i++) {
                float[] q = data[random.nextInt(data.length)].clone();
                SearchResult r = store.search("docs", SearchRequest.ofVector(q, 10, null));
                assertEquals("ivf", r.servedBy());
                sum += overlap(bruteForceCosine(data, q, 10), r);
            }
            System.out.printf("store + ivf: recall@10 %.3f%n", sum / 50);
            assertTrue(sum / 50 >= 0.9, "recall " + sum / 50);

            store.unbindIndexFactory(factory, Map.of("caracal.index.type", "ivf"));
            assertEquals(IndexStatus.DEGRADED, store.describe("docs").index().status());
            SearchResult r = store.search("docs", SearchRequest.ofVector(data[0], 10, null));
            assertEquals("flat", r.servedBy());
            assertEquals(10, r.hits().size());
        } finally {
            store.stop();
        }
    }

    static double overlap(Set<String> truth, SearchResult r) {
        int hit = 0;
        for (SearchHit h : r.hits()) {
            if (truth.contains(h.id())) {
                hit++;
            }
        }
        return (double) hit / truth.size();
    }

    static Set<String> bruteForceCosine(float[][] data, float[] q, int k) {
        float[] qn = q.clone();
        TestData.normalize(qn);
        TopK top = new TopK(k);
        for (int i = 0; i < data.length; i++) {
            float[] v = data[i].clone();
            TestData.normalize(v);
            top.offer(i, TestData.score(Metric.DOT, qn, v));
        }
        Set<String> out = new HashSet<>();
        for (int o : top.ordinals()) {
            out.add("r" + o);
        }
        return out;
    }
}
