package dev.caracal.vector.index.hnsw.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.math.VectorMath;

/**
 * How two float vectors are compared, always "higher is closer". An index picks its similarities once, when it is
 * built ({@link #forSearch}, {@link #forGraph}); each constant is its own class, so a search loop over one collection
 * sees one or two of them at its call site and the JIT inlines the kernel.
 */
enum Similarity {
    /** The inner product (cosine on unit vectors). */
    DOT {
        @Override
        float compare(VectorMath math, float[] a, int aOffset, float[] b, int bOffset, int length) {
            return math.dot(a, aOffset, b, bOffset, length);
        }
    },
    /** The negated squared Euclidean distance. */
    NEGATED_SQUARE_DISTANCE {
        @Override
        float compare(VectorMath math, float[] a, int aOffset, float[] b, int bOffset, int length) {
            return -math.squareDistance(a, aOffset, b, bOffset, length);
        }

        /** The negated Euclidean distance. */
        @Override
        float externalScore(float similarity) {
            return (float) -Math.sqrt(Math.max(0f, -similarity));
        }
    },
    /** The negated L1 distance. */
    NEGATED_MANHATTAN {
        @Override
        float compare(VectorMath math, float[] a, int aOffset, float[] b, int bOffset, int length) {
            return -math.manhattan(a, aOffset, b, bOffset, length);
        }
    },
    /** The negated number of differing components. */
    NEGATED_HAMMING {
        @Override
        float compare(VectorMath math, float[] a, int aOffset, float[] b, int bOffset, int length) {
            return -math.hamming(a, aOffset, b, bOffset, length);
        }
    },
    /** The weighted Jaccard similarity. */
    JACCARD {
        @Override
        float compare(VectorMath math, float[] a, int aOffset, float[] b, int bOffset, int length) {
            return math.jaccard(a, aOffset, b, bOffset, length);
        }
    };

    /** The similarity of {@code a[aOffset..aOffset+length)} and {@code b[bOffset..bOffset+length)}. */
    abstract float compare(VectorMath math, float[] a, int aOffset, float[] b, int bOffset, int length);

    /**
     * The score a caller sees for a similarity this computed: the metric's own score, which is the similarity itself
     * except for the squared distance (the caller sees the negated distance).
     */
    float externalScore(float similarity) {
        return similarity;
    }

    /** How searches compare a query with a node under {@code metric}. */
    static Similarity forSearch(Metric metric) {
        return switch (metric) {
            case COSINE, DOT -> DOT;
            case L2 -> NEGATED_SQUARE_DISTANCE;
            case MANHATTAN -> NEGATED_MANHATTAN;
            case HAMMING -> NEGATED_HAMMING;
            case JACCARD -> JACCARD;
        };
    }

    /**
     * How the graph compares nodes under {@code metric}: as searches do, except for {@link Metric#DOT}, where the graph
     * is built on Euclidean distance (building on the inner product itself makes a few large vectors hubs of every
     * list; searches still rank by the inner product).
     */
    static Similarity forGraph(Metric metric) {
        return metric == Metric.DOT ? NEGATED_SQUARE_DISTANCE : forSearch(metric);
    }
}
