package dev.caracal.vector.index.testkit;

import dev.caracal.vector.Metric;
import java.util.List;

/**
 * A few vectors and queries whose answers are worked out by hand from the definitions in {@link Metric}.
 *
 * @param vectors  the vectors; ordinal = row
 * @param queries  the queries with their expected answers (all vectors, best first)
 */
record SmallCase(float[][] vectors, List<Query> queries) {

    /**
     * A query and its expected answer.
     *
     * @param ordinals  the ordinals best first; -1 where tied vectors may come in either order
     * @param scores    their scores
     */
    record Query(float[] query, int[] ordinals, float[] scores) {}

    static SmallCase of(Metric metric) {
        return switch (metric) {
            case COSINE ->
                new SmallCase( // unit vectors, as the store gives them
                        new float[][] {{1, 0}, {0, 1}, {0.6f, 0.8f}},
                        List.of(new Query(
                                new float[] {0.8f, 0.6f}, new int[] {2, 0, 1}, new float[] {0.96f, 0.8f, 0.6f})));
            case DOT ->
                new SmallCase(
                        new float[][] {{1, 0, 0}, {0, 1, 0}},
                        List.of(new Query(new float[] {0, 2, 1}, new int[] {1, 0}, new float[] {2, 0})));
            case L2 ->
                new SmallCase( // the negated Euclidean distance
                        new float[][] {{0, 0}, {3, 4}, {1, 1}},
                        List.of(new Query(new float[] {3, 3}, new int[] {1, 2, 0}, new float[] {
                            -1, (float) -Math.sqrt(8), (float) -Math.sqrt(18)
                        })));
            case MANHATTAN ->
                new SmallCase( // the negated L1 distance
                        new float[][] {{0, 0}, {3, 4}, {1, 1}},
                        List.of(new Query(new float[] {3, 3}, new int[] {1, 2, 0}, new float[] {-1, -4, -6})));
            case HAMMING ->
                new SmallCase( // the negated number of differing components
                        new float[][] {{1, 0, 1, 0}, {1, 1, 1, 1}, {0, 0, 0, 0}},
                        List.of(new Query(new float[] {1, 0, 1, 1}, new int[] {-1, -1, 2}, new float[] {-1, -1, -3})));
            case JACCARD ->
                new SmallCase( // sum(min) / sum(max); 0 when both are all zeros
                        new float[][] {{0, 0, 0}, {1, 2, 0}, {2, 2, 2}},
                        List.of(
                                new Query(new float[] {1, 2, 0}, new int[] {1, 2, 0}, new float[] {1, 0.5f, 0}),
                                new Query(new float[] {0, 0, 0}, new int[] {-1, -1, -1}, new float[] {0, 0, 0})));
        };
    }
}
