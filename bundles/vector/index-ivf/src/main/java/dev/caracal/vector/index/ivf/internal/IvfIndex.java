package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorSource;
import dev.caracal.vector.math.Scores;
import dev.caracal.vector.math.TopK;
import dev.caracal.vector.math.VectorMath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An IVF index (ivf: full vectors in the lists; ivf-pq: PQ codes of residuals, re-ranked on full vectors). It
 * coordinates the parts that do the work:
 *
 * <ul>
 *   <li>{@link IvfLayoutSlot} holds the current {@link IvfLayout} (centroids, {@link InvertedList}s, PQ codebooks)
 *       and applies adds and removes to it;
 *   <li>{@link IvfTraining} decides when to (re)train and runs it in the background: {@link IvfLayoutBuilder} builds
 *       a new layout from the {@link VectorSource} ({@link KMeans}, {@link ProductQuantizer}), the slot swaps it in
 *       with the writes made meanwhile replayed;
 *   <li>{@link IvfPersistence} writes and reloads a layout.
 * </ul>
 *
 * <p>Life cycle: vectors first go to an untrained layout searched exactly. Once enough have arrived, k-means trains in
 * a background thread on a sample read from the source, and the trained layout is swapped in atomically. The same
 * happens when the data has grown by the growth factor or new vectors drift away from the centroids (see
 * {@link IvfTraining}).
 *
 * <p>Scores: COSINE and DOT by dot product (cosine vectors arrive unit length), L2 as the negated Euclidean
 * distance, MANHATTAN (ivf only) as the negated L1 distance ({@link IvfScoring}). Coarse assignment and probing use
 * Euclidean distance to the centroids for every metric. Any other metric is refused when the index is constructed.
 *
 * <p>ivf-pq ranks codes with one lookup table per query ({@link ProductQuantizer#dotTable}); for L2 each entry also
 * carries the query-independent part of its distance (see {@link InvertedList}), so probing a list costs only the
 * scan of its codes.
 *
 * <p>Persistence: {@link #persist(int)} writes the current layout with its covered ordinals ({@link IvfPersistence});
 * the factory calls {@link #restore()} before handing the index out, which reloads it only when it was written for
 * the same type, metric, dimension and build parameters and is intact.
 *
 * <p>Closing releases the layout; a closed index refuses adds, removes, searches and persisting.
 */
final class IvfIndex implements VectorIndex {
    private static final Logger LOG = LoggerFactory.getLogger(IvfIndex.class);
    /** A filter accepting fewer than this many, or this fraction, is answered by an exact scan of its matches. */
    static final int EXACT_SCAN_MAX = 1000;

    static final double EXACT_SCAN_FRACTION = 0.03;
    private static final ScoredOrdinals EMPTY = new ScoredOrdinals(new int[0], new float[0]);

    private final String type;
    private final String collection;
    private final VectorSource source;
    private final IvfScoring scoring;
    private final boolean l2;
    private final boolean usePq;
    private final int dim;
    private final int pqM;
    private final IvfParams.Build build;
    private final VectorMath kernels = VectorMath.get();
    private final IvfLayoutSlot slot;
    private final IvfTraining training;
    /** Trained layouts swapped in so far (the training's counter; tests read it here). */
    final AtomicInteger trainings;

    private volatile boolean exactLogged;
    private final Path directory;
    private final IvfPersistence.Identity identity;
    private volatile int restored;

    IvfIndex(String type, IndexContext context, IvfParams.Build build, int pqM, IvfSettings settings) {
        this.type = type;
        this.collection = context.collection();
        this.source = context.vectors();
        Metric metric = context.metric();
        this.usePq = pqM > 0;
        this.scoring = IvfScoring.of(type, metric, usePq);
        this.l2 = scoring == IvfScoring.L2;
        this.dim = source.dimension();
        this.pqM = pqM;
        this.build = build;
        this.slot = new IvfLayoutSlot(dim, kernels);
        IvfLayoutBuilder builder = new IvfLayoutBuilder(source, scoring, dim, pqM, build, settings, kernels);
        this.training = new IvfTraining(collection, type, pqM, build, settings, slot, builder);
        this.trainings = training.trainings;
        this.directory = context.directory();
        this.identity = new IvfPersistence.Identity(type, metric, dim, build, pqM);
    }

    // ------------------------------------------------------------------------------------------------ writes

    /** Indexes {@code vector}, or when it is {@code null} the vector of {@code ordinal} read from the source. */
    @Override
    public void add(int ordinal, float[] vector) {
        checkOpen();
        if (ordinal < 0) {
            throw new IllegalArgumentException("negative ordinal " + ordinal);
        }
        if (vector == null) {
            vector = new float[dim];
            source.copyVector(ordinal, vector);
        } else if (vector.length != dim) {
            throw new IllegalArgumentException("vector of " + vector.length + " dimensions, expected " + dim);
        }
        slot.insert(ordinal, vector);
        training.maybeTrain();
    }

    @Override
    public void remove(int ordinal) {
        checkOpen();
        slot.delete(ordinal);
    }

    /** Trains now on the calling thread unless a training is running (tests, benchmarks). */
    void trainNow() throws InterruptedException {
        training.trainNow();
    }

    /** Waits until no training runs (tests). */
    void awaitTraining() throws InterruptedException {
        training.awaitTraining();
    }

    IvfLayout layout() {
        return slot.layout();
    }

    // ------------------------------------------------------------------------------------------------ search

    @Override
    public ScoredOrdinals search(float[] query, int k, OrdinalFilter filter, Map<String, Object> params) {
        checkOpen();
        if (query == null || query.length != dim) {
            throw new IllegalArgumentException(
                    "query of " + (query == null ? 0 : query.length) + " dimensions, expected " + dim);
        }
        IvfLayout l = slot.layout();
        int live = l.size();
        if (live == 0 || k <= 0) {
            return EMPTY;
        }
        if (l.exact) {
            if (!exactLogged) {
                exactLogged = true;
                LOG.info(
                        "Collection '{}': the {} index answers by exact scan until {} vectors have arrived to train "
                                + "on ({} so far)",
                        collection,
                        type,
                        training.threshold(),
                        live);
            }
            TopK top = new TopK(k);
            scanFloats(l.lists[0], query, filter, top);
            return drain(top, l2);
        }
        int estimate = filter == null ? live : Math.max(0, filter.estimatedCount());
        if (estimate < live && (estimate < EXACT_SCAN_MAX || estimate < EXACT_SCAN_FRACTION * live)) {
            return exactScan(l, query, k, filter);
        }
        int nprobe = params != null && params.get("nprobe") instanceof Number p
                ? p.intValue()
                : (build.nprobe() > 0 ? build.nprobe() : IvfParams.autoNprobe(l.nlist));
        if (estimate < live) {
            // a filter passing a fraction f of the vectors: probe about 1/sqrt(f) times more lists
            double f = Math.max(1e-6, (double) estimate / live);
            nprobe = (int) Math.min(l.nlist, Math.ceil(nprobe / Math.sqrt(f)));
        }
        nprobe = Math.max(1, Math.min(nprobe, l.nlist));
        ProbeOrder order = new ProbeOrder(l, query, nprobe, kernels);
        int candidates = usePq ? rerankCount(k, params) : k;
        TopK top = new TopK(candidates);
        float[] table = null;
        if (usePq) {
            // one lookup table per query: inner products with every codeword (doubled for L2, see dotTable)
            table = new float[pqM * ProductQuantizer.KSUB];
            l.pq.dotTable(query, table, l2 ? 2f : 1f);
        }
        for (int i = 0; i < l.nlist; i++) {
            if (i >= nprobe && top.size() >= k) {
                break; // probed enough; otherwise keep probing until k candidates pass the filter
            }
            int list = order.list(i);
            if (!usePq) {
                scanFloats(l.lists[list], query, filter, top);
            } else if (l2) {
                // -|q - c - r|^2 = -|q - c|^2 - (|r|^2 + 2<c, r>) + 2<q, r>
                scanCodes(l.lists[list], table, -order.distance(i), filter, top);
            } else {
                scanCodes(l.lists[list], table, kernels.dot(query, 0, l.centroids, list * dim, dim), filter, top);
            }
        }
        if (!usePq) {
            return drain(top, l2);
        }
        int[] found = top.ordinals();
        TopK best = new TopK(k);
        float[] v = new float[dim];
        for (int o : found) {
            if (IvfLayoutBuilder.readVector(source, o, v)) {
                best.offer(o, exactScore(query, v, 0));
            }
        }
        return drain(best, l2);
    }

    /** Drains {@code top} best first; {@code l2}: the scores are negated squared distances, reported as -distance. */
    static ScoredOrdinals drain(TopK top, boolean l2) {
        int n = top.size();
        int[] ordinals = new int[n];
        float[] scores = new float[n];
        top.drainSorted(ordinals, scores);
        if (l2) {
            Scores.negatedSquaredToNegatedDistance(scores, n);
        }
        return new ScoredOrdinals(ordinals, scores);
    }

    /** Candidates re-ranked on full vectors: rerank*k, at least 32 (and k), at most max(k, 1000). */
    int rerankCount(int k, Map<String, Object> params) {
        int multiplier = params != null && params.get("rerank") instanceof Number r ? r.intValue() : build.rerank();
        long wanted = Math.max(32L, (long) multiplier * k);
        return (int) Math.max(k, Math.min(wanted, Math.max(k, IvfParams.MAX_RERANK)));
    }

    /** The score of a full vector, higher is better; for L2 the negated squared distance (see #drain). */
    private float exactScore(float[] query, float[] v, int off) {
        return switch (scoring) {
            case L2 -> -kernels.squareDistance(query, 0, v, off, dim);
            case L1 -> -kernels.manhattan(query, 0, v, off, dim);
            case INNER -> kernels.dot(query, 0, v, off, dim);
        };
    }

    /**
     * Lists by increasing squared distance of their centroid to the query. Only the first {@code first} are selected
     * (a bounded heap) and sorted; asking beyond them (a filter that leaves too few candidates) sorts all.
     */
    static final class ProbeOrder {
        private final long[] keys;
        private long[] order;
        private int ready;

        ProbeOrder(IvfLayout l, float[] query, int first, VectorMath kernels) {
            int n = l.nlist;
            int dim = l.dim;
            keys = new long[n];
            for (int c = 0; c < n; c++) {
                float d = Math.max(0f, kernels.squareDistance(query, 0, l.centroids, c * dim, dim));
                keys[c] = ((long) Float.floatToIntBits(d) << 32) | c; // non-negative floats order as their bits
            }
            if (first * 2 >= n) {
                sortAll();
                return;
            }
            // max-heap of the smallest `first` keys
            long[] heap = new long[first];
            System.arraycopy(keys, 0, heap, 0, first);
            for (int i = first / 2 - 1; i >= 0; i--) {
                siftDown(heap, i, first);
            }
            for (int c = first; c < n; c++) {
                if (keys[c] < heap[0]) {
                    heap[0] = keys[c];
                    siftDown(heap, 0, first);
                }
            }
            java.util.Arrays.sort(heap);
            order = heap;
            ready = first;
        }

        private static void siftDown(long[] heap, int i, int n) {
            long v = heap[i];
            while (true) {
                int child = 2 * i + 1;
                if (child >= n) {
                    break;
                }
                if (child + 1 < n && heap[child + 1] > heap[child]) {
                    child++;
                }
                if (heap[child] <= v) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = v;
        }

        private void sortAll() {
            Arrays.sort(keys);
            order = keys;
            ready = keys.length;
        }

        /** The list probed {@code i}-th. */
        int list(int i) {
            if (i >= ready) {
                sortAll();
            }
            return (int) order[i];
        }

        /** The squared distance of the query to the centroid of the list probed {@code i}-th. */
        float distance(int i) {
            return Float.intBitsToFloat((int) (order[i] >>> 32));
        }
    }

    private void scanFloats(InvertedList list, float[] query, OrdinalFilter filter, TopK top) {
        list.lock.readLock().lock();
        try {
            int n = list.size;
            int[] ordinals = list.ordinals;
            float[] vectors = list.vectors;
            boolean anyDead = list.deadCount > 0;
            float threshold = top.threshold();
            for (int i = 0; i < n; i++) {
                float score = exactScore(query, vectors, i * dim);
                if (score > threshold
                        && !(anyDead && list.isDead(i))
                        && (filter == null || filter.accept(ordinals[i]))) {
                    top.offer(ordinals[i], score);
                    threshold = top.threshold();
                }
            }
        } finally {
            list.lock.readLock().unlock();
        }
    }

    /**
     * Scores the PQ codes of a list: {@code base + sum over sub-spaces of table[s][code_s]}, minus the entry's stored
     * term when the list has them (L2); four independent accumulators so the loads pipeline.
     */
    static void scanCodes(InvertedList list, float[] table, float base, OrdinalFilter filter, TopK top) {
        list.lock.readLock().lock();
        try {
            final int n = list.size;
            final int m = list.width;
            final int m4 = m & ~3;
            final int[] ordinals = list.ordinals;
            final byte[] codes = list.codes;
            final float[] terms = list.terms;
            final boolean anyDead = list.deadCount > 0;
            float threshold = top.threshold();
            for (int i = 0, off = 0; i < n; i++, off += m) {
                float a0 = 0;
                float a1 = 0;
                float a2 = 0;
                float a3 = 0;
                int s = 0;
                for (; s < m4; s += 4) {
                    int t = s << 8;
                    a0 += table[t | (codes[off + s] & 0xff)];
                    a1 += table[(t + 256) | (codes[off + s + 1] & 0xff)];
                    a2 += table[(t + 512) | (codes[off + s + 2] & 0xff)];
                    a3 += table[(t + 768) | (codes[off + s + 3] & 0xff)];
                }
                for (; s < m; s++) {
                    a0 += table[(s << 8) | (codes[off + s] & 0xff)];
                }
                float score = base + ((a0 + a1) + (a2 + a3));
                if (terms != null) {
                    score -= terms[i];
                }
                if (score > threshold
                        && !(anyDead && list.isDead(i))
                        && (filter == null || filter.accept(ordinals[i]))) {
                    top.offer(ordinals[i], score);
                    threshold = top.threshold();
                }
            }
        } finally {
            list.lock.readLock().unlock();
        }
    }

    /** A selective filter: score exactly the few accepted ordinals, reading their vectors from the source. */
    private ScoredOrdinals exactScan(IvfLayout l, float[] query, int k, OrdinalFilter filter) {
        TopK top = new TopK(k);
        float[] v = new float[dim];
        int limit = Math.min(l.ordinalLimit(), Math.max(0, source.maxOrdinal()));
        for (int o = 0; o < limit; o++) {
            if (l.isPresent(o) && filter.accept(o) && IvfLayoutBuilder.readVector(source, o, v)) {
                top.offer(o, exactScore(query, v, 0));
            }
        }
        return drain(top, l2);
    }

    // ------------------------------------------------------------------------------------------------ persistence

    private Path file() {
        return directory == null ? null : directory.resolve(IvfPersistence.fileName(type));
    }

    /**
     * Reloads the persisted state from the context directory if there is one written for this metric, dimension and
     * build parameters and it passes its integrity checks; otherwise the index stays empty and says why in the log.
     * Called once by the factory before the index is handed out.
     */
    void restore() {
        Path file = file();
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        long start = System.nanoTime();
        try {
            IvfPersistence.Loaded loaded = IvfPersistence.load(file, identity, source.maxOrdinal());
            if (loaded.covered() == 0) {
                return;
            }
            slot.replace(loaded.layout());
            restored = loaded.covered();
            LOG.info(
                    "Collection '{}': reloaded the persisted {} index ({} vectors, {}, covering ordinals below {}) "
                            + "in {} ms",
                    collection,
                    type,
                    loaded.layout().size(),
                    loaded.layout().exact ? "not trained yet" : loaded.layout().nlist + " lists",
                    loaded.covered(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (IvfPersistence.Mismatch e) {
            LOG.info(
                    "Collection '{}': not reloading the persisted {} index {}: {}; it is rebuilt",
                    collection,
                    type,
                    file,
                    e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "Collection '{}': ignoring the persisted {} index {} ({}); it is rebuilt",
                    collection,
                    type,
                    file,
                    e.toString());
        }
        training.maybeTrain(); // a state persisted before (re)training finished trains now rather than at the next add
    }

    @Override
    public int restoredOrdinals() {
        return restored;
    }

    /**
     * Writes the current layout (whether trained or not) to the context directory. Holds the swap lock's write side,
     * so adds, removes and a finishing training wait; searches go on. A training still running in the background is
     * not waited for: the layout it replaces is persisted, and the reopened index trains again if it needs to.
     */
    @Override
    public void persist(int coveredOrdinals) {
        Path file = file();
        if (file == null) {
            return;
        }
        if (coveredOrdinals < 0) {
            throw new IllegalArgumentException("coveredOrdinals must not be negative; got " + coveredOrdinals);
        }
        Lock exclusive = slot.exclusive();
        exclusive.lock();
        try {
            checkOpen();
            long start = System.nanoTime();
            IvfLayout l = slot.layout();
            IvfPersistence.save(directory, file.getFileName().toString(), identity, l, coveredOrdinals);
            LOG.info(
                    "Collection '{}': persisted the {} index ({} vectors, covering ordinals below {}) in {} ms",
                    collection,
                    type,
                    l.size(),
                    coveredOrdinals,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(file); // an older state is no better than a rebuild
            } catch (IOException ignored) {
                // reported below
            }
            throw new UncheckedIOException("persisting the " + type + " index of '" + collection + "' failed", e);
        } finally {
            exclusive.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ misc

    @Override
    public int size() {
        return slot.layout().size();
    }

    @Override
    public long memoryBytes() {
        return slot.layout().memoryBytes();
    }

    @Override
    public void close() {
        slot.close();
    }

    private void checkOpen() {
        if (slot.isClosed()) {
            throw new IllegalStateException("the " + type + " index of collection '" + collection + "' is closed");
        }
    }
}
