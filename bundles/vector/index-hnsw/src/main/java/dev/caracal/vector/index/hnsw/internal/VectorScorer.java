package dev.caracal.vector.index.hnsw.internal;

import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.math.VectorMath;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * The index's own copy of the vectors and how they are compared: everything that depends on how a vector is held.
 * {@link FloatVectorScorer} keeps a float copy; {@link Int8VectorScorer} keeps one byte a dimension and re-ranks with
 * the store's vectors. Vectors are paged by ordinal like the graph ({@link GraphPages#PAGE_SIZE} a page): a vector page
 * is allocated before the graph page of the same nodes, so a node the graph holds has its vector page.
 *
 * <p>Hot loops compare one {@link PreparedQuery} with many stored nodes: the query (or a node used as one) is
 * prepared once, and {@link PreparedQuery#score} costs one kernel call. Its class says how it compares (the
 * similarity is chosen when the query object is made, once per thread), so the search loop's call site sees one class
 * per similarity: one for most collections, two for a float {@code dot} collection (searched by inner product, built
 * on distance) or for float and int8 indexes side by side.
 */
abstract sealed class VectorScorer permits FloatVectorScorer, Int8VectorScorer {
    final int dimension;
    final VectorMath math;
    /** How searches compare a query with a node. */
    final Similarity searchSimilarity;
    /** How the graph compares nodes (and an inserted vector with them). */
    final Similarity graphSimilarity;

    VectorScorer(IndexContext context) {
        this.dimension = context.vectors().dimension();
        this.math = VectorMath.get();
        this.searchSimilarity = Similarity.forSearch(context.metric());
        this.graphSimilarity = Similarity.forGraph(context.metric());
    }

    /** The scorer for the build parameters: int8 codes or float copies. */
    static VectorScorer create(IndexContext context, HnswParams params, HnswGraph graph) {
        return params.int8() ? new Int8VectorScorer(context, graph) : new FloatVectorScorer(context);
    }

    /**
     * One side of a comparison, prepared once and compared with many stored nodes: a query, or a node of the graph.
     * Each thread keeps its own (see {@link SearchScratch}) and prepares it again for every use.
     */
    abstract static class PreparedQuery {
        /** The search loops this class of query runs in (its own copy: see {@link Traversal}). */
        final Traversal traversal = Traversal.of(getClass());

        /** The similarity to stored node {@code node}, higher is closer; -infinity when its page is missing. */
        abstract float score(int node);

        /**
         * Reads some values of {@code node}'s stored vector (which cache lines: each scorer says what it measured)
         * and returns them folded together (a result the caller must keep, or the reads could be dropped):
         * touching the vectors of a batch of nodes before scoring them puts their memory loads in flight at once,
         * where scoring them one by one waits for each vector in turn. Java has no prefetch instruction; this is
         * its plain-load equivalent.
         */
        abstract int touch(int node);

        /**
         * Reads the first cache line of {@code node}'s stored vector, as {@link #touch} does: a batch touches every
         * vector's first line before any vector's other lines, so that every vector's first miss is under way before
         * the loads of the other lines are issued (measured x1.07..1.09 QPS at 1,000,000 x 128; docs/benchmarks.md).
         */
        abstract int touchHead(int node);
    }

    /** A query that compares by {@code similarity} (this scorer's search or graph similarity), to be prepared. */
    abstract PreparedQuery newQuery(Similarity similarity);

    /** Prepares {@code vector} to be compared with stored nodes by the similarity {@code into} was made for. */
    abstract PreparedQuery prepare(float[] vector, PreparedQuery into);

    /**
     * Prepares stored node {@code node} (present in the graph) to be compared with others; {@code into} was made for
     * the graph's similarity.
     */
    abstract PreparedQuery prepareNode(int node, PreparedQuery into);

    // ---------------------------------------------------------------------------------------------------------
    // storage

    /** Allocates the vector page of {@code node} if it is not there yet. */
    abstract void ensurePage(int node);

    /** Stores the vector of {@code node} (its page allocated). */
    abstract void store(int node, float[] vector);

    /** Copies the vector the index holds for {@code node} into {@code out} (as the index holds it). */
    abstract void copyStored(int node, float[] out);

    /** Bytes of memory the vector pages use. */
    abstract long bytes();

    /** Drops every page (the index is closing). */
    abstract void clear();

    // ---------------------------------------------------------------------------------------------------------
    // results

    /** How many of the best nodes the graph search must yield for the best {@code k} ({@code k} at least). */
    abstract int candidates(int k, Map<String, Object> params);

    /** The best {@code k} of {@code found} (encoded, best first), scored as a caller sees scores. */
    abstract ScoredOrdinals results(float[] query, int k, int candidates, long[] found, SearchScratch scratch);

    // ---------------------------------------------------------------------------------------------------------
    // training: only int8 codes need it

    /** Called before {@code vector} is added. */
    void beforeAdd(float[] vector) {}

    /** Whether {@link #retrain} is due at {@code size} vectors. */
    boolean retrainDue(int size) {
        return false;
    }

    /** Retrains and re-encodes every node (the caller has excluded all other use of the index). */
    void retrain() {}

    /** How many vectors the encoding was trained on (0 when it needs no training or has not been trained yet). */
    int trainedOn() {
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // persistence (see HnswFile)

    /** Writes what the encoding needs besides the vectors (after the file's fixed header). */
    abstract void writeHeader(DataOutputStream out) throws IOException;

    /** Reads what {@link #writeHeader} wrote, for a file of {@code nodes} nodes. */
    abstract void readHeader(DataInputStream in, int nodes) throws IOException;

    abstract void writeVector(DataOutputStream out, int node) throws IOException;

    /** Reads the vector of {@code node} (its page allocated). */
    abstract void readVector(DataInputStream in, int node) throws IOException;

    /** The bytes a vector takes in the file. */
    abstract long fileBytesPerVector();
}
