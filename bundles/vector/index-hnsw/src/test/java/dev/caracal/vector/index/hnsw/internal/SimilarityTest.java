package dev.caracal.vector.index.hnsw.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.testkit.GroundTruth;
import dev.caracal.vector.math.VectorMath;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SimilarityTest {

    @Test
    void eachMetricHasItsKernelAndDotBuildsTheGraphOnDistance() {
        assertEquals(Similarity.DOT, Similarity.forSearch(Metric.COSINE));
        assertEquals(Similarity.DOT, Similarity.forSearch(Metric.DOT));
        assertEquals(Similarity.NEGATED_SQUARE_DISTANCE, Similarity.forSearch(Metric.L2));
        assertEquals(Similarity.NEGATED_MANHATTAN, Similarity.forSearch(Metric.MANHATTAN));
        assertEquals(Similarity.NEGATED_HAMMING, Similarity.forSearch(Metric.HAMMING));
        assertEquals(Similarity.JACCARD, Similarity.forSearch(Metric.JACCARD));
        for (Metric metric : Metric.values()) {
            assertEquals(
                    metric == Metric.DOT ? Similarity.NEGATED_SQUARE_DISTANCE : Similarity.forSearch(metric),
                    Similarity.forGraph(metric),
                    metric.id());
        }
    }

    /** The similarity, as a caller sees it, is the metric's score (computed here independently of the kernels). */
    @ParameterizedTest
    @EnumSource(Metric.class)
    void externalScoresAreTheMetricsScores(Metric metric) {
        Random random = new Random(metric.ordinal());
        Similarity similarity = Similarity.forSearch(metric);
        VectorMath math = VectorMath.get();
        for (int trial = 0; trial < 20; trial++) {
            int dimension = 1 + random.nextInt(100);
            float[] a = new float[dimension + 3];
            float[] b = new float[dimension];
            for (int i = 0; i < a.length; i++) {
                a[i] = value(metric, random);
            }
            for (int i = 0; i < dimension; i++) {
                b[i] = value(metric, random);
            }
            float[] slice = java.util.Arrays.copyOfRange(a, 3, 3 + dimension);
            float expected = GroundTruth.score(metric, slice, b);
            float found = similarity.externalScore(similarity.compare(math, a, 3, b, 0, dimension));
            assertEquals(expected, found, 1e-4f * Math.max(1f, Math.abs(expected)), metric.id() + " trial " + trial);
        }
    }

    private static float value(Metric metric, Random random) {
        return switch (metric) {
            case HAMMING -> random.nextInt(2);
            case JACCARD -> random.nextFloat();
            default -> random.nextFloat() * 2 - 1;
        };
    }
}
