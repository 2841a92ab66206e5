package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.Metric;

/**
 * How an IVF index scores full vectors, higher is better: inner product (COSINE and DOT; cosine vectors arrive unit
 * length), negated L2 distance, negated L1 distance (MANHATTAN, ivf only). PQ codes approximate Euclidean and
 * inner-product geometry only; HAMMING and JACCARD are not served at all.
 */
enum IvfScoring {
    INNER,
    L2,
    L1;

    /**
     * The scoring of {@code metric} for an index of {@code type}, or an {@link IllegalArgumentException} when that
     * type cannot serve it ({@code pq}: the index holds PQ codes).
     */
    static IvfScoring of(String type, Metric metric, boolean pq) {
        if (metric == null) {
            throw new IllegalArgumentException("the " + type + " index needs a metric");
        }
        return switch (metric) {
            case COSINE, DOT -> IvfScoring.INNER;
            case L2 -> IvfScoring.L2;
            case MANHATTAN -> {
                if (pq) {
                    throw unsupported(type, metric, "cosine, dot, l2");
                }
                yield IvfScoring.L1;
            }
            default -> throw unsupported(type, metric, pq ? "cosine, dot, l2" : "cosine, dot, l2, manhattan");
        };
    }

    private static IllegalArgumentException unsupported(String type, Metric metric, String served) {
        return new IllegalArgumentException("the " + type + " index does not support the metric '" + metric.id()
                + "'; it serves " + served + " (collections of other metrics are searched by exact scan)");
    }
}
