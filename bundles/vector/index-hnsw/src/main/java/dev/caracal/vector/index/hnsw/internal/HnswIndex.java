package dev.caracal.vector.index.hnsw.internal;

import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hierarchical navigable small world graph over a collection's vectors, keyed by ordinal (node id = ordinal): the
 * {@link VectorIndex} that wires together the {@link HnswGraph graph}, the {@link VectorScorer scorer} (the index's
 * copy of the vectors, float or int8), the {@link HnswSearcher searcher}, the {@link HnswBuilder builder} and the
 * {@link HnswFile file}, and checks what callers pass in.
 *
 * <p>Concurrency: adds, removes and searches run concurrently under the read side of {@link #structure}; only
 * compaction, int8 retraining, persistence and closing take the write side.
 */
final class HnswIndex implements VectorIndex {
    private static final Logger LOG = LoggerFactory.getLogger(HnswIndex.class);
    static final String FILE_NAME = HnswFile.FILE_NAME;

    private final String collection;
    private final int dim;
    private final int defaultEf;
    /** Measured choices that are not build parameters (tests and measurement mains change them). */
    final HnswTuning tuning = new HnswTuning();

    private final IndexContext context;
    private final Path directory;
    private final HnswGraph graph;
    private final VectorScorer scorer;
    private final HnswSearcher searcher;
    private final HnswBuilder builder;
    private final HnswFile file;

    private final ReentrantReadWriteLock structure = new ReentrantReadWriteLock();
    private volatile boolean closed;
    /** The covered ordinals of the persisted state this index was loaded from (0 when it started empty). */
    private volatile int restored;

    HnswIndex(IndexContext context, HnswParams params) {
        this.context = context;
        this.collection = context.collection();
        this.dim = context.vectors().dimension();
        this.defaultEf = params.ef();
        this.directory = context.directory();
        this.graph = new HnswGraph(params.m());
        this.scorer = VectorScorer.create(context, params, graph);
        this.searcher = new HnswSearcher(graph, scorer, tuning);
        this.builder = new HnswBuilder(collection, params, graph, scorer, searcher, tuning);
        this.file = new HnswFile(context, params, graph, scorer);
    }

    @Override
    public void add(int ordinal, float[] vector) {
        if (ordinal < 0) {
            throw new IllegalArgumentException("negative ordinal " + ordinal);
        }
        if (vector == null) {
            vector = new float[dim];
            context.vectors().copyVector(ordinal, vector);
        }
        if (vector.length != dim) {
            throw new IllegalArgumentException("vector of " + vector.length + " dimensions, expected " + dim);
        }
        structure.readLock().lock();
        try {
            checkOpen();
            scorer.beforeAdd(vector);
            builder.insert(ordinal, vector);
        } finally {
            structure.readLock().unlock();
        }
        compactIfNeeded();
        if (scorer.retrainDue(graph.size())) {
            retrain();
        }
    }

    @Override
    public void remove(int ordinal) {
        structure.readLock().lock();
        try {
            checkOpen();
            builder.remove(ordinal);
        } finally {
            structure.readLock().unlock();
        }
        compactIfNeeded();
    }

    @Override
    public ScoredOrdinals search(float[] query, int k, OrdinalFilter filter, Map<String, Object> params) {
        if (query.length != dim) {
            throw new IllegalArgumentException("query of " + query.length + " dimensions, expected " + dim);
        }
        Object efParam = params == null ? null : params.get("ef");
        int ef = Math.max(k, efParam instanceof Number n ? n.intValue() : defaultEf);
        // int8: the best ceil(k * rerank) of the ef the graph yields are re-ranked with the store's full vectors;
        // ef stays the caller's (raising it to the candidates, as before, made every ef below 30 cost ef 30)
        int candidates = scorer.candidates(k, params);
        structure.readLock().lock();
        try {
            checkOpen();
            return searcher.search(query, k, ef, candidates, filter);
        } finally {
            structure.readLock().unlock();
        }
    }

    private void compactIfNeeded() {
        if (builder.compactionDue()) {
            compact();
        }
    }

    /**
     * Unlinks tombstoned nodes from every list (refilling a list that lost neighbours from the removed nodes'
     * neighbours) and frees their slots, under the write lock.
     */
    void compact() {
        structure.writeLock().lock();
        try {
            if (closed || graph.tombstones() == 0) {
                return;
            }
            builder.compact();
        } finally {
            structure.writeLock().unlock();
        }
    }

    /** int8: retrains the quantizer on a larger sample and re-encodes every node, under the write lock. */
    private void retrain() {
        structure.writeLock().lock();
        try {
            if (!closed) {
                scorer.retrain();
            }
        } finally {
            structure.writeLock().unlock();
        }
    }

    /** int8 mode: the vectors the quantizer was trained on (0 before the first add, and in float mode). */
    int quantizerTrainedOn() {
        return scorer.trainedOn();
    }

    @Override
    public int size() {
        return graph.size();
    }

    /** Nodes removed but not yet compacted away. */
    int tombstones() {
        return graph.tombstones();
    }

    @Override
    public long memoryBytes() {
        return graph.memoryBytes() + scorer.bytes();
    }

    @Override
    public void close() {
        structure.writeLock().lock();
        try {
            closed = true;
            graph.clear();
            scorer.clear();
        } finally {
            structure.writeLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the hnsw index of collection '" + collection + "' is closed");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // persistence (the format: HnswFile)

    /**
     * Persists with {@code coveredOrdinals} = one past the highest ordinal the index ever held: for callers that have
     * applied every removal below it (the store uses {@link #persist(int)}).
     */
    @Override
    public void persist() {
        persist(graph.limit());
    }

    @Override
    public void persist(int coveredOrdinals) {
        if (directory == null) {
            return;
        }
        if (coveredOrdinals < 0) {
            throw new IllegalArgumentException("coveredOrdinals must not be negative, got " + coveredOrdinals);
        }
        structure.writeLock().lock();
        try {
            checkOpen();
            file.write(directory, coveredOrdinals);
            LOG.debug(
                    "Collection '{}': persisted the hnsw graph ({} vectors, {} ordinals covered)",
                    collection,
                    graph.size(),
                    coveredOrdinals);
        } catch (IOException e) {
            throw new UncheckedIOException("persisting the hnsw index of '" + collection + "' failed", e);
        } finally {
            structure.writeLock().unlock();
        }
    }

    @Override
    public int restoredOrdinals() {
        return restored;
    }

    /**
     * Loads a persisted graph from the context directory; {@code null} when there is none or it is unusable (written
     * for another metric, dimension or build parameters, or failing its checks), with the reason logged.
     */
    static HnswIndex loadIfPresent(IndexContext context, HnswParams params) {
        Path path = HnswFile.existing(context.directory());
        if (path == null) {
            return null;
        }
        HnswIndex index = new HnswIndex(context, params);
        try {
            index.restored = index.file.read(path);
            return index;
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "Collection '{}': ignoring the persisted hnsw graph {} ({}); the index starts empty",
                    context.collection(),
                    path,
                    e.getMessage() == null ? e.toString() : e.getMessage());
            index.close();
            return null;
        } catch (OutOfMemoryError e) {
            index.close();
            LOG.warn(
                    "Collection '{}': ignoring the persisted hnsw graph {} (out of memory while loading it); the "
                            + "index starts empty",
                    context.collection(),
                    path);
            return null;
        }
    }
}
