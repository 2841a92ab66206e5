package dev.caracal.vector.index.hnsw.internal;

import static dev.caracal.vector.index.hnsw.internal.GraphPages.PAGE_BITS;
import static dev.caracal.vector.index.hnsw.internal.GraphPages.PAGE_MASK;
import static dev.caracal.vector.index.hnsw.internal.GraphPages.PAGE_SIZE;

import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.math.VectorMath;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/** A float copy of every vector, compared with the metric's own kernel; scores are exact as the graph finds them. */
final class FloatVectorScorer extends VectorScorer {
    /** The vector pages; the directory is replaced (copied, longer) when it grows, pages themselves never move. */
    private volatile float[][] pages = new float[0][];

    private final Object growLock = new Object();
    private volatile long bytes; // written under growLock

    FloatVectorScorer(IndexContext context) {
        super(context);
    }

    /**
     * A query, or a stored node in place (no copy): {@code vector} from {@code offset}. There is one subclass per
     * similarity, each calling its kernel itself: the kernel's call site then sits in the method the search loop
     * inlines and gets a type profile of its own, so C2 inlines the kernel too. (Calling it through
     * {@link Similarity#compare} instead, C2 was seen to call the kernel virtually: that small method had been
     * compiled before its call site was profiled.)
     */
    private abstract static class FloatQuery extends PreparedQuery {
        final FloatVectorScorer owner;
        final VectorMath math;
        final int dimension;
        float[] vector;
        int offset;
        float[][] pages;

        FloatQuery(FloatVectorScorer owner) {
            this.owner = owner;
            this.math = owner.math;
            this.dimension = owner.dimension;
        }

        /**
         * The vector page holding {@code node}, or null when it is not allocated. The query keeps the directory it
         * was prepared with; a node added since may live on a newer page (another thread's add), so a miss reads the
         * current directory once before it gives up.
         */
        final float[] page(int node) {
            int page = node >>> PAGE_BITS;
            float[][] known = pages;
            if (page < known.length && known[page] != null) {
                return known[page];
            }
            known = owner.pages;
            pages = known;
            return page < known.length ? known[page] : null;
        }

        @Override
        final int touchHead(int node) {
            float[] stored = page(node);
            return stored == null ? 0 : Float.floatToRawIntBits(stored[(node & PAGE_MASK) * dimension]);
        }

        /**
         * Every cache line of the vector (one float in sixteen, and the last), so that the loads of a whole batch are
         * in flight at once. On 784 dimensions the first and last line alone did as well (+13% QPS at recall 0.99
         * over no touch; the processor streams the rest of a long vector); on 250,000 x 128 clustered vectors every
         * line, with the neighbour lists touched too (see HnswSearcher), gave +18% QPS at recall 0.95 (x1.12..1.19).
         */
        @Override
        final int touch(int node) {
            float[] stored = page(node);
            if (stored == null) {
                return 0;
            }
            int from = (node & PAGE_MASK) * dimension;
            int last = from + dimension - 1;
            int folded = Float.floatToRawIntBits(stored[last]);
            for (int i = from; i < last; i += 16) {
                folded ^= Float.floatToRawIntBits(stored[i]);
            }
            return folded;
        }
    }

    private static final class DotQuery extends FloatQuery {
        DotQuery(FloatVectorScorer owner) {
            super(owner);
        }

        @Override
        float score(int node) {
            float[] stored = page(node);
            return stored == null
                    ? Float.NEGATIVE_INFINITY
                    : math.dot(vector, offset, stored, (node & PAGE_MASK) * dimension, dimension);
        }
    }

    private static final class SquareDistanceQuery extends FloatQuery {
        SquareDistanceQuery(FloatVectorScorer owner) {
            super(owner);
        }

        @Override
        float score(int node) {
            float[] stored = page(node);
            return stored == null
                    ? Float.NEGATIVE_INFINITY
                    : -math.squareDistance(vector, offset, stored, (node & PAGE_MASK) * dimension, dimension);
        }
    }

    private static final class ManhattanQuery extends FloatQuery {
        ManhattanQuery(FloatVectorScorer owner) {
            super(owner);
        }

        @Override
        float score(int node) {
            float[] stored = page(node);
            return stored == null
                    ? Float.NEGATIVE_INFINITY
                    : -math.manhattan(vector, offset, stored, (node & PAGE_MASK) * dimension, dimension);
        }
    }

    private static final class HammingQuery extends FloatQuery {
        HammingQuery(FloatVectorScorer owner) {
            super(owner);
        }

        @Override
        float score(int node) {
            float[] stored = page(node);
            return stored == null
                    ? Float.NEGATIVE_INFINITY
                    : -math.hamming(vector, offset, stored, (node & PAGE_MASK) * dimension, dimension);
        }
    }

    private static final class JaccardQuery extends FloatQuery {
        JaccardQuery(FloatVectorScorer owner) {
            super(owner);
        }

        @Override
        float score(int node) {
            float[] stored = page(node);
            return stored == null
                    ? Float.NEGATIVE_INFINITY
                    : math.jaccard(vector, offset, stored, (node & PAGE_MASK) * dimension, dimension);
        }
    }

    /** The query class of {@code similarity} (each computes {@link Similarity#compare} of its constant). */
    @Override
    PreparedQuery newQuery(Similarity similarity) {
        return switch (similarity) {
            case DOT -> new DotQuery(this);
            case NEGATED_SQUARE_DISTANCE -> new SquareDistanceQuery(this);
            case NEGATED_MANHATTAN -> new ManhattanQuery(this);
            case NEGATED_HAMMING -> new HammingQuery(this);
            case JACCARD -> new JaccardQuery(this);
        };
    }

    @Override
    PreparedQuery prepare(float[] vector, PreparedQuery into) {
        FloatQuery q = (FloatQuery) into;
        q.vector = vector;
        q.offset = 0;
        q.pages = pages;
        return q;
    }

    @Override
    PreparedQuery prepareNode(int node, PreparedQuery into) {
        FloatQuery q = (FloatQuery) into;
        float[][] current = pages;
        q.vector = current[node >>> PAGE_BITS];
        q.offset = (node & PAGE_MASK) * dimension;
        q.pages = current;
        return q;
    }

    @Override
    void ensurePage(int node) {
        int page = node >>> PAGE_BITS;
        float[][] current = pages;
        if (page < current.length && current[page] != null) {
            return;
        }
        synchronized (growLock) {
            current = pages;
            if (page >= current.length) {
                current = Arrays.copyOf(current, Math.max(page + 1, current.length + (current.length >> 1) + 1));
            }
            if (current[page] == null) {
                current[page] = new float[PAGE_SIZE * dimension];
                bytes += 4L * PAGE_SIZE * dimension;
            }
            pages = current; // volatile write publishes the page
        }
    }

    @Override
    void store(int node, float[] vector) {
        System.arraycopy(vector, 0, pages[node >>> PAGE_BITS], (node & PAGE_MASK) * dimension, dimension);
    }

    @Override
    void copyStored(int node, float[] out) {
        System.arraycopy(pages[node >>> PAGE_BITS], (node & PAGE_MASK) * dimension, out, 0, dimension);
    }

    @Override
    long bytes() {
        return bytes;
    }

    @Override
    void clear() {
        synchronized (growLock) {
            pages = new float[0][];
            bytes = 0;
        }
    }

    /** The graph's candidates are exact: the best {@code k} as they are. */
    @Override
    int candidates(int k, Map<String, Object> params) {
        return k;
    }

    @Override
    ScoredOrdinals results(float[] query, int k, int candidates, long[] found, SearchScratch scratch) {
        int n = Math.min(k, found.length);
        int[] ordinals = new int[n];
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            ordinals[i] = ScoredNode.node(found[i]);
            scores[i] = searchSimilarity.externalScore(ScoredNode.score(found[i]));
        }
        return new ScoredOrdinals(ordinals, scores);
    }

    /** Nothing beyond the vectors. */
    @Override
    void writeHeader(DataOutputStream out) {}

    @Override
    void readHeader(DataInputStream in, int nodes) {}

    @Override
    void writeVector(DataOutputStream out, int node) throws IOException {
        float[] page = pages[node >>> PAGE_BITS];
        int offset = (node & PAGE_MASK) * dimension;
        for (int i = 0; i < dimension; i++) {
            out.writeFloat(page[offset + i]);
        }
    }

    @Override
    void readVector(DataInputStream in, int node) throws IOException {
        float[] page = pages[node >>> PAGE_BITS];
        int offset = (node & PAGE_MASK) * dimension;
        for (int d = 0; d < dimension; d++) {
            page[offset + d] = in.readFloat();
        }
    }

    @Override
    long fileBytesPerVector() {
        return 4L * dimension;
    }
}
