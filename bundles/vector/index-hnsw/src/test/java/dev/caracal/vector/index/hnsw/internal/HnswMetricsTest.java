package dev.caracal.vector.index.hnsw.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.testkit.GroundTruth;
import dev.caracal.vector.index.testkit.IndexTestData;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Weighted jaccard on non-negative real vectors: kernel, score convention and recall@10 against brute force (every
 * metric on clustered and binary data, and the small exact cases: {@link HnswConformanceTest}).
 */
class HnswMetricsTest {
    static final int K = 10;
    static final int N = 5000;
    static final int QUERIES = 100;

    @Test
    void weightedJaccardOnNonNegativeVectors() {
        float[][] data = IndexTestData.nonNegative(IndexTestData.lowRankClustered(new Random(37), N, 32, 25));
        float[][] queries = IndexTestData.nonNegative(IndexTestData.lowRankClustered(new Random(38), QUERIES, 32, 25));
        check(Metric.JACCARD, data, queries, 100, 0.9);
    }

    static void check(Metric metric, float[][] data, float[][] queries, int ef, double minRecall) {
        HnswIndex index = IndexTestData.build(new HnswIndexFactory(), metric, data, Map.of(), null);
        double sum = 0;
        for (float[] q : queries) {
            ScoredOrdinals res = index.search(q, K, null, Map.of("ef", ef));
            assertEquals(K, res.size());
            for (int i = 0; i < res.size(); i++) {
                float expected = GroundTruth.score(metric, q, data[res.ordinals()[i]]);
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
            sum += GroundTruth.tieAwareRecall(data, metric, q, GroundTruth.bruteForce(data, metric, q, K, null), res);
        }
        double recall = sum / queries.length;
        System.out.printf(
                "hnsw %s %d x %d: recall@10 %.4f at ef %d%n", metric.id(), data.length, data[0].length, recall, ef);
        assertTrue(recall >= minRecall, metric + " recall " + recall);
        index.close();
    }
}
