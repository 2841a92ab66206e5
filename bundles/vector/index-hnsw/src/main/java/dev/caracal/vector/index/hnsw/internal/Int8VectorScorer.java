package dev.caracal.vector.index.hnsw.internal;

import static dev.caracal.vector.index.hnsw.internal.GraphPages.PAGE_BITS;
import static dev.caracal.vector.index.hnsw.internal.GraphPages.PAGE_MASK;
import static dev.caracal.vector.index.hnsw.internal.GraphPages.PAGE_SIZE;

import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorSource;
import dev.caracal.vector.math.VectorMath;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * One signed byte a dimension ({@link Int8Quantizer} codes) plus the squared norm of each decoded vector: the graph is
 * built and searched on the codes, and the best {@code ceil(k * rerank)} candidates are re-ranked with the
 * full-precision vectors of the store, so returned scores are exact. Inner product and Euclidean distance only (the
 * cosine, dot and l2 metrics). The quantizer is trained at the first add (see {@link QuantizerTraining}).
 */
final class Int8VectorScorer extends VectorScorer {
    /** The page directories of codes and norms, replaced together when they grow; pages never move. */
    private static final class Pages {
        final byte[][] codes;
        final float[][] norms;

        Pages(byte[][] codes, float[][] norms) {
            this.codes = codes;
            this.norms = norms;
        }
    }

    private volatile Pages pages = new Pages(new byte[0][], new float[0][]);
    private final Object growLock = new Object();
    private volatile long bytes; // written under growLock
    /** Null before the first add; replaced only while nothing else uses the index. */
    private volatile Int8Quantizer quantizer;

    private final VectorSource source;
    private final QuantizerTraining training;

    Int8VectorScorer(IndexContext context, HnswGraph graph) {
        super(context);
        if (searchSimilarity != Similarity.DOT && searchSimilarity != Similarity.NEGATED_SQUARE_DISTANCE) {
            throw new IllegalArgumentException("hnsw quantization int8 supports the cosine, dot and l2 metrics; "
                    + "collection '" + context.collection() + "' uses "
                    + context.metric().id()
                    + " (use quantization none)");
        }
        this.source = context.vectors();
        this.training = new QuantizerTraining(context, graph, this);
    }

    /**
     * A prepared query: {@code vector} is the query times the quantizer's scales, {@code constant} the query's dot
     * product with its offsets and {@code norm} its squared norm, so that the inner product with a stored node is
     * {@code constant + vector . codes}.
     */
    private static final class Int8Query extends PreparedQuery {
        private final Int8VectorScorer owner;
        private final VectorMath math;
        private final int dimension;
        /** Inner product, or else negated squared Euclidean distance (fixed when the query is made). */
        private final boolean innerProduct;

        private float[] vector;
        private float constant;
        private float norm;
        private byte[][] codes;
        private float[][] norms;

        Int8Query(Int8VectorScorer owner, boolean innerProduct) {
            this.owner = owner;
            this.math = owner.math;
            this.dimension = owner.dimension;
            this.innerProduct = innerProduct;
        }

        @Override
        float score(int node) {
            int page = node >>> PAGE_BITS;
            byte[] stored = page < codes.length ? codes[page] : null;
            if (stored == null) {
                // a node added since the query was prepared may live on a newer page: read the current pages once
                bind(this, owner.pages);
                stored = page < codes.length ? codes[page] : null;
                if (stored == null) {
                    return Float.NEGATIVE_INFINITY;
                }
            }
            float dot = constant + math.dotInt8(vector, 0, stored, (node & PAGE_MASK) * dimension, dimension);
            return innerProduct ? dot : -(norm - 2 * dot + norms[page][node & PAGE_MASK]);
        }

        /** The code page holding {@code node}, or null when it is not allocated. */
        private byte[] codePage(int node) {
            int page = node >>> PAGE_BITS;
            return page < codes.length ? codes[page] : null;
        }

        @Override
        int touchHead(int node) {
            byte[] stored = codePage(node);
            return stored == null ? 0 : stored[(node & PAGE_MASK) * dimension];
        }

        /** Every cache line of the codes (a quarter of a float vector's: measured +27% QPS on Fashion-MNIST). */
        @Override
        int touch(int node) {
            byte[] stored = codePage(node);
            if (stored == null) {
                return 0;
            }
            int from = (node & PAGE_MASK) * dimension;
            int last = from + dimension - 1;
            int folded = stored[last];
            for (int i = from; i < last; i += 64) {
                folded ^= stored[i];
            }
            return folded;
        }

        float[] buffer() {
            if (vector == null) {
                vector = new float[dimension];
            }
            return vector;
        }
    }

    @Override
    PreparedQuery newQuery(Similarity similarity) {
        return new Int8Query(this, similarity == Similarity.DOT);
    }

    @Override
    PreparedQuery prepare(float[] query, PreparedQuery into) {
        Int8Query q = (Int8Query) into;
        Int8Quantizer qz = quantizer;
        float[] scaled = q.buffer();
        for (int d = 0; d < dimension; d++) {
            scaled[d] = query[d] * qz.scale[d];
        }
        q.constant = math.dot(query, 0, qz.offset, 0, dimension);
        q.norm = math.dot(query, 0, query, 0, dimension);
        return bind(q, pages);
    }

    @Override
    PreparedQuery prepareNode(int node, PreparedQuery into) {
        Int8Query q = (Int8Query) into;
        Int8Quantizer qz = quantizer;
        Pages current = pages;
        int page = node >>> PAGE_BITS;
        int offset = (node & PAGE_MASK) * dimension;
        byte[] codes = current.codes[page];
        // the decoded node x = offset + scale * k: x * scale = offsetScale + scaleSquared * k,
        // x . offset = offsetNorm + offsetScale . k
        float[] scaled = q.buffer();
        for (int d = 0; d < dimension; d++) {
            scaled[d] = qz.offsetScale[d] + qz.scaleSquared[d] * codes[offset + d];
        }
        q.constant = qz.offsetNorm + math.dotInt8(qz.offsetScale, 0, codes, offset, dimension);
        q.norm = current.norms[page][node & PAGE_MASK];
        return bind(q, current);
    }

    private static Int8Query bind(Int8Query q, Pages current) {
        q.codes = current.codes;
        q.norms = current.norms;
        return q;
    }

    // ---------------------------------------------------------------------------------------------------------
    // storage

    @Override
    void ensurePage(int node) {
        int page = node >>> PAGE_BITS;
        Pages current = pages;
        if (page < current.codes.length && current.codes[page] != null) {
            return;
        }
        synchronized (growLock) {
            current = pages;
            if (page >= current.codes.length) {
                int length = Math.max(page + 1, current.codes.length + (current.codes.length >> 1) + 1);
                current = new Pages(Arrays.copyOf(current.codes, length), Arrays.copyOf(current.norms, length));
            }
            if (current.codes[page] == null) {
                current.norms[page] = new float[PAGE_SIZE];
                current.codes[page] = new byte[PAGE_SIZE * dimension];
                bytes += (long) PAGE_SIZE * (dimension + 4);
            }
            pages = current; // volatile write publishes the page
        }
    }

    @Override
    void store(int node, float[] vector) {
        encode(node, vector, quantizer);
    }

    /** Stores the codes of {@code vector} for {@code node} with {@code with} and the norm of what they decode to. */
    void encode(int node, float[] vector, Int8Quantizer with) {
        Pages current = pages;
        int page = node >>> PAGE_BITS;
        current.norms[page][node & PAGE_MASK] =
                with.encode(vector, current.codes[page], (node & PAGE_MASK) * dimension);
    }

    /** The vector the codes of {@code node} decode to. */
    @Override
    void copyStored(int node, float[] out) {
        quantizer.decode(pages.codes[node >>> PAGE_BITS], (node & PAGE_MASK) * dimension, out);
    }

    @Override
    long bytes() {
        return bytes;
    }

    @Override
    void clear() {
        synchronized (growLock) {
            pages = new Pages(new byte[0][], new float[0][]);
            bytes = 0;
        }
    }

    Int8Quantizer quantizer() {
        return quantizer;
    }

    /** Installs a (re)trained quantizer; the codes must already be its own. */
    void quantizer(Int8Quantizer trained) {
        quantizer = trained;
    }

    // ---------------------------------------------------------------------------------------------------------
    // results: re-ranked with the store's vectors

    /** {@code ceil(k * rerank)}: the {@code rerank} query parameter, by default {@value HnswParams#DEFAULT_RERANK}. */
    @Override
    int candidates(int k, Map<String, Object> params) {
        if (k <= 0) {
            return k;
        }
        Object value = params == null ? null : params.get("rerank");
        double rerank = value instanceof Number n ? n.doubleValue() : HnswParams.DEFAULT_RERANK;
        rerank =
                Double.isNaN(rerank) ? HnswParams.DEFAULT_RERANK : Math.max(1, Math.min(HnswParams.MAX_RERANK, rerank));
        return (int) Math.min(Integer.MAX_VALUE / 2, Math.ceil(k * rerank));
    }

    /** The first {@code candidates} of {@code found} re-scored exactly with the store's vectors, the best k of them. */
    @Override
    ScoredOrdinals results(float[] query, int k, int candidates, long[] found, SearchScratch scratch) {
        int n = Math.min(candidates, found.length);
        long[] exact = new long[n];
        float[] vector = scratch.rerank(dimension);
        for (int i = 0; i < n; i++) {
            int ordinal = ScoredNode.node(found[i]);
            try {
                source.copyVector(ordinal, vector);
            } catch (RuntimeException e) {
                copyStored(ordinal, vector); // not readable from the store: score the decoded vector
            }
            float similarity = searchSimilarity.compare(math, query, 0, vector, 0, dimension);
            exact[i] = ScoredNode.encode(searchSimilarity.externalScore(similarity), ordinal);
        }
        ScoredNode.sortBestFirst(exact, n);
        int out = Math.min(k, n);
        int[] ordinals = new int[out];
        float[] scores = new float[out];
        for (int i = 0; i < out; i++) {
            ordinals[i] = ScoredNode.node(exact[i]);
            scores[i] = ScoredNode.score(exact[i]);
        }
        return new ScoredOrdinals(ordinals, scores);
    }

    // ---------------------------------------------------------------------------------------------------------
    // training

    @Override
    void beforeAdd(float[] vector) {
        if (quantizer == null) {
            training.trainFirst(vector);
        }
    }

    @Override
    boolean retrainDue(int size) {
        return training.retrainDue(size);
    }

    @Override
    void retrain() {
        training.retrain();
    }

    @Override
    int trainedOn() {
        Int8Quantizer q = quantizer;
        return q == null ? 0 : q.trainedOn;
    }

    // ---------------------------------------------------------------------------------------------------------
    // persistence

    /** Whether there is a quantizer; if so when to retrain it, and the quantizer. */
    @Override
    void writeHeader(DataOutputStream out) throws IOException {
        Int8Quantizer q = quantizer;
        out.writeBoolean(q != null);
        if (q != null) {
            out.writeInt(training.retrainAt());
            q.write(out);
        }
    }

    @Override
    void readHeader(DataInputStream in, int nodes) throws IOException {
        if (in.readBoolean()) {
            int at = in.readInt();
            if (at <= 0) {
                throw new IOException("corrupt int8 header");
            }
            training.retrainAt(at);
            quantizer = Int8Quantizer.read(in, dimension);
        } else if (nodes > 0) {
            throw new IOException("int8 nodes without a quantizer");
        }
    }

    @Override
    void writeVector(DataOutputStream out, int node) throws IOException {
        out.write(pages.codes[node >>> PAGE_BITS], (node & PAGE_MASK) * dimension, dimension);
    }

    @Override
    void readVector(DataInputStream in, int node) throws IOException {
        Pages current = pages;
        int page = node >>> PAGE_BITS;
        int offset = (node & PAGE_MASK) * dimension;
        in.readFully(current.codes[page], offset, dimension);
        current.norms[page][node & PAGE_MASK] = quantizer.decodedNorm(current.codes[page], offset);
    }

    @Override
    long fileBytesPerVector() {
        return dimension;
    }
}
