package dev.caracal.vector.index.testkit;

import dev.caracal.vector.Metric;
import java.util.Arrays;
import java.util.Random;

/**
 * The data of the conformance cases for one metric: {@value #SIZE} vectors around {@value #CLUSTERS} clusters and
 * {@value #QUERIES} held-out queries from the same clusters. Real-valued metrics get Gaussian clusters (unit length
 * for cosine); hamming and jaccard get binary vectors around binary prototypes.
 *
 * @param metric   the metric the data is prepared for
 * @param vectors  the vectors; ordinal = row
 * @param queries  the queries, none of them among the vectors
 */
public record ConformanceData(Metric metric, float[][] vectors, float[][] queries) {
    public static final int SIZE = 20_000;
    public static final int QUERIES = 200;
    public static final int CLUSTERS = 200;
    private static final long SEED = 1;

    /** The data for {@code metric} in {@code dimension} dimensions (the same every time). */
    public static ConformanceData of(Metric metric, int dimension) {
        Random random = new Random(SEED);
        float[][] all = switch (metric) {
            case HAMMING, JACCARD -> IndexTestData.binaryClustered(random, SIZE + QUERIES, dimension, CLUSTERS, 0.15);
            default ->
                IndexTestData.forMetric(
                        IndexTestData.clustered(random, SIZE + QUERIES, dimension, CLUSTERS, 0), metric);
        };
        return new ConformanceData(metric, Arrays.copyOf(all, SIZE), Arrays.copyOfRange(all, SIZE, SIZE + QUERIES));
    }

    /** The first {@code n} vectors as a source, all live. */
    public IndexTestData.Source source(int n) {
        return IndexTestData.Source.of(Arrays.copyOf(vectors, n));
    }

    /** Whether the metric's scores tie often (integers, or ratios of small integers), so recall must count ties. */
    public boolean ties() {
        return metric == Metric.HAMMING || metric == Metric.JACCARD;
    }

    public int dimension() {
        return vectors[0].length;
    }
}
