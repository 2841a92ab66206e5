package dev.caracal.vector.index.testkit;

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

/**
 * An index plugin bound to the real store: the store builds the index in the background until READY, every search is
 * served by it with cosine scores and at least the given mean recall@10 (10,000 clustered vectors); when the plugin
 * leaves, the collection is DEGRADED and answered by the exact scan, flagged as degraded.
 */
public final class StoreRoundTrip {
    private StoreRoundTrip() {}

    /** Runs the round trip in {@code dataDir} with {@code buildParams}; returns the mean recall@10 it measured. */
    public static double run(
            Path dataDir,
            VectorIndexFactory factory,
            String type,
            int dim,
            double minRecall,
            Map<String, Object> buildParams)
            throws InterruptedException {
        VectorStoreComponent store =
                VectorStoreComponent.standalone(new StoreSettings(dataDir, 2, 10000, 10000, 512, 4, 1));
        try {
            store.bindIndexFactory(factory, Map.of(VectorIndexFactory.TYPE_PROPERTY, type));
            store.createCollection(
                    new CollectionSpec("docs", dim, Metric.COSINE, null, new IndexSpec(type, buildParams)));
            float[][] data = IndexTestData.clustered(new Random(11), 10_000, dim, 50, 0);
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
                assertEquals(type, r.servedBy());
                assertEquals(10, r.hits().size());
                for (SearchHit h : r.hits()) {
                    assertTrue(h.score() >= -1.0001f && h.score() <= 1.0001f, "a cosine score: " + h.score());
                }
                sum += overlap(bruteForceCosine(data, q, 10), r);
            }
            double recall = sum / 50;
            System.out.printf("store + %s: recall@10 %.3f%n", type, recall);
            assertTrue(recall >= minRecall, "recall " + recall + " below " + minRecall);

            store.unbindIndexFactory(factory, Map.of(VectorIndexFactory.TYPE_PROPERTY, type));
            assertEquals(IndexStatus.DEGRADED, store.describe("docs").index().status());
            SearchResult r = store.search("docs", SearchRequest.ofVector(data[0], 10, null));
            assertEquals("flat", r.servedBy());
            assertTrue(r.degraded(), "flagged as degraded");
            assertEquals(10, r.hits().size());
            return recall;
        } finally {
            store.stop();
        }
    }

    private static double overlap(Set<String> truth, SearchResult r) {
        int hit = 0;
        for (SearchHit h : r.hits()) {
            if (truth.contains(h.id())) {
                hit++;
            }
        }
        return (double) hit / truth.size();
    }

    private static Set<String> bruteForceCosine(float[][] data, float[] q, int k) {
        float[] qn = q.clone();
        IndexTestData.normalize(qn);
        TopK top = new TopK(k);
        for (int i = 0; i < data.length; i++) {
            float[] v = data[i].clone();
            IndexTestData.normalize(v);
            top.offer(i, GroundTruth.score(Metric.DOT, qn, v));
        }
        Set<String> out = new HashSet<>();
        for (int o : top.ordinals()) {
            out.add("r" + o);
        }
        return out;
    }
}
