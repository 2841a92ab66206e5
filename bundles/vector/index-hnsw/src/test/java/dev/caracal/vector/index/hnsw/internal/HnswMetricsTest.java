package dev.caracal.vector.index.hnsw.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Manhattan, hamming and jaccard: kernels, score conventions and recall@10 against brute force. */
class HnswMetricsTest {
    static final int K = 10;
    static final int N = 5000;
    static final int QUERIES = 100;

    @Test
    void theFactorySupportsAllMetrics() {
        HnswIndexFactory f = new HnswIndexFactory();
        for (Metric metric : Metric.values()) {
            assertTrue(f.supports(metric), metric.id());
        }
    }

    @Test
    void manhattanOnClusteredData() {
        float[][] data = TestData.clustered(new Random(31), N, 32, 25);
        float[][] queries = TestData.clustered(new Random(32), QUERIES, 32, 25);
        check(Metric.MANHATTAN, data, queries, 100, 0.9);
    }

    @Test
    void hammingOnBinaryVectors() {
        float[][] data = TestData.binaryClustered(new Random(33), N, 128, 40, 0.15);
        float[][] queries = TestData.binaryClustered(new Random(34), QUERIES, 128, 40, 0.15);
        check(Metric.HAMMING, data, queries, 100, 0.9);
    }

    @Test
    void jaccardOnBinaryVectors() {
        float[][] data = TestData.binaryClustered(new Random(35), N, 128, 40, 0.15);
        float[][] queries = TestData.binaryClustered(new Random(36), QUERIES, 128, 40, 0.15);
        check(Metric.JACCARD, data, queries, 100, 0.9);
    }

    @Test
    void weightedJaccardOnNonNegativeVectors() {
        float[][] data = TestData.nonNegativeClustered(new Random(37), N, 32, 25);
        float[][] queries = TestData.nonNegativeClustered(new Random(38), QUERIES, 32, 25);
        check(Metric.JACCARD, data, queries, 100, 0.9);
    }

    @Test
    void smallExactCases() {
        // hamming: the negated number of differing components
        HnswIndex h = TestData.build(
                Metric.HAMMING, new float[][] {{1, 0, 1, 0}, {1, 1, 1, 1}, {0, 0, 0, 0}}, Map.of(), null);
        ScoredOrdinals r = h.search(new float[] {1, 0, 1, 1}, 3, null, Map.of());
        assertEquals(-1f, r.scores()[0]);
        assertEquals(-1f, r.scores()[1]);
        assertEquals(-3f, r.scores()[2]);
        assertEquals(2, r.ordinals()[2]);
        h.close();
        // jaccard: sum(min)/sum(max); 0 for two all-zero vectors; 1 for identical ones
        HnswIndex j = TestData.build(Metric.JACCARD, new float[][] {{0, 0, 0}, {1, 2, 0}, {2, 2, 2}}, Map.of(), null);
        r = j.search(new float[] {1, 2, 0}, 3, null, Map.of());
        assertEquals(1, r.ordinals()[0]);
        assertEquals(1f, r.scores()[0], 1e-6f);
        assertEquals(2, r.ordinals()[1]);
        assertEquals(3f / 6f, r.scores()[1], 1e-6f);
        assertEquals(0f, r.scores()[2]);
        assertEquals(0f, j.search(new float[] {0, 0, 0}, 3, null, Map.of()).scores()[0]);
        j.close();
        // manhattan: the negated L1 distance
        HnswIndex m = TestData.build(Metric.MANHATTAN, new float[][] {{0, 0}, {3, 4}, {1, 1}}, Map.of(), null);
        r = m.search(new float[] {3, 3}, 3, null, Map.of());
        assertEquals(1, r.ordinals()[0]);
        assertEquals(-1f, r.scores()[0]);
        assertEquals(-4f, r.scores()[1]);
        assertEquals(-6f, r.scores()[2]);
        m.close();
    }

    static void check(Metric metric, float[][] data, float[][] queries, int ef, double minRecall) {
        HnswIndex index = TestData.build(metric, data, Map.of(), null);
        double sum = 0;
        for (float[] q : queries) {
            ScoredOrdinals res = index.search(q, K, null, Map.of("ef", ef));
            assertEquals(K, res.size());
            for (int i = 0; i < res.size(); i++) {
                float expected = TestData.score(metric, q, data[res.ordinals()[i]]);
                assertEquals(expected, res.scores()[i], 1e-4f * Math.max(1f, Math.abs(expected)), "exact score");
                if (i > 0) {
                    assertTrue(res.scores()[i - 1] >= res.scores()[i], "best first");
                }
                switch (metric) {
                    case MANHATTAN -> assertTrue(res.scores()[i] <= 0);
                    case HAMMING -> assertTrue(res.scores()[i] <= 0 && res.scores()[i] == Math.rint(res.scores()[i]));
                    case JACCARD -> assertTrue(res.scores()[i] >= 0 && res.scores()[i] <= 1);
                    default -> {}
                }
            }
            sum += TestData.tieAwareRecall(data, metric, q, TestData.bruteForce(data, metric, q, K, null), res);
        }
        double recall = sum / queries.length;
        System.out.printf(
                "hnsw %s %d x %d: recall@10 %.4f at ef %d%n", metric.id(), data.length, data[0].length, recall, ef);
        assertTrue(recall >= minRecall, metric + " recall " + recall);
        index.close();
    }
}
