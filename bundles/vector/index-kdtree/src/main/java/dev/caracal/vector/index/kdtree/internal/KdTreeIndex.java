package dev.caracal.vector.index.kdtree.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorSource;
import dev.caracal.vector.math.Scores;
import dev.caracal.vector.math.TopK;
import dev.caracal.vector.math.VectorMath;
import dev.caracal.vector.math.VectorPages;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exact k-nearest-neighbour index: a KD-tree plus an unsorted overflow buffer, both searched on every query, so
 * answers are always exactly the brute-force top k (ties aside).
 *
 * <p><b>When it is the right choice</b>: low dimensions, up to about 20 (geo coordinates, colours, small feature
 * vectors, embeddings reduced to a few dimensions), when answers must be exact and a linear scan is too slow. Its
 * pruning works because a query's neighbours lie in few cells; beyond ~20 dimensions almost every cell has to be
 * visited and it degrades to a linear scan with extra overhead, so flat (exact) or hnsw (approximate) serve such
 * vectors better. Opening it for more than 32 dimensions logs a warning. Metrics: l2 natively; cosine because
 * cosine vectors arrive unit length, so ranking by Euclidean distance equals ranking by cosine (the score returned
 * is the cosine similarity {@code 1 - d^2/2}); any other metric is rejected when the index opens.
 *
 * <p>Structure: median splits on the dimension of largest spread, leaves of {@code leafSize} points, the points
 * copied into the tree in tree order. New vectors go to the overflow buffer (scanned exactly); when it holds more
 * than 25% of the tree's size (at least {@value #MIN_OVERFLOW}), the tree is rebuilt in a background thread over a
 * snapshot and swapped in, and what was added meanwhile becomes the new overflow. Every ordinal carries a version
 * bumped on each add, so a tree or overflow entry counts only while its ordinal is live at that version: deletes
 * are tombstones and a re-added ordinal's stale entry is ignored. Filters are applied to candidates inside the
 * search, which stays exact. Closing releases everything; a closed index refuses adds, removes and searches.
 */
final class KdTreeIndex implements VectorIndex {
    private static final Logger LOG = LoggerFactory.getLogger(KdTreeIndex.class);
    static final int MIN_OVERFLOW = 256;
    static final double REBUILD_FRACTION = 0.25;
    private static final ScoredOrdinals EMPTY = new ScoredOrdinals(new int[0], new float[0]);
    /** Scalar kernels on purpose: a kd-tree serves a handful of dimensions, fewer than a SIMD register holds. */
    static final VectorMath MATH = VectorMath.scalar();

    private final String collection;
    private final int dim;
    private final boolean cosine;
    private final int leafSize;
    private final VectorSource source;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final AtomicBoolean rebuilding = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    // guarded by lock
    private VectorPages vectors;
    private int[] versions = new int[0];
    private KdTree tree = KdTree.EMPTY;
    private int[] overflowOrdinals = new int[64];
    private int[] overflowVersions = new int[64];
    private int overflowCount;
    private int[] pendingOrdinals;
    private int[] pendingVersions;
    private int pendingCount;
    private final KdTree.EntryCheck current;
    private volatile int liveCount;
    private volatile Thread builder;
    final AtomicInteger rebuilds = new AtomicInteger();

    KdTreeIndex(String collection, VectorSource source, Metric metric, int leafSize) {
        this.collection = collection;
        this.source = source;
        this.dim = source.dimension();
        this.cosine = metric == Metric.COSINE;
        this.leafSize = leafSize;
        this.vectors = new VectorPages(dim);
        this.current = (o, v) -> vectors.isLive(o) && versions[o] == v; // under the lock
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
        lock.writeLock().lock();
        try {
            checkOpen();
            vectors.put(ordinal, vector);
            liveCount = vectors.liveCount();
            if (ordinal >= versions.length) {
                versions = Arrays.copyOf(versions, Math.max(ordinal + 1, Math.max(1024, versions.length * 2)));
            }
            int version = ++versions[ordinal];
            if (overflowCount == overflowOrdinals.length) {
                overflowOrdinals = Arrays.copyOf(overflowOrdinals, overflowCount * 2);
                overflowVersions = Arrays.copyOf(overflowVersions, overflowCount * 2);
            }
            overflowOrdinals[overflowCount] = ordinal;
            overflowVersions[overflowCount++] = version;
            if (pendingOrdinals != null) {
                if (pendingCount == pendingOrdinals.length) {
                    pendingOrdinals = Arrays.copyOf(pendingOrdinals, pendingCount * 2);
                    pendingVersions = Arrays.copyOf(pendingVersions, pendingCount * 2);
                }
                pendingOrdinals[pendingCount] = ordinal;
                pendingVersions[pendingCount++] = version;
            }
        } finally {
            lock.writeLock().unlock();
        }
        maybeRebuild();
    }

    @Override
    public void remove(int ordinal) {
        lock.writeLock().lock();
        try {
            checkOpen();
            vectors.kill(ordinal);
            liveCount = vectors.liveCount();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private boolean rebuildDue() {
        lock.readLock().lock();
        try {
            return overflowCount > Math.max(MIN_OVERFLOW, REBUILD_FRACTION * tree.size);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void maybeRebuild() {
        if (closed.get() || rebuilding.get() || !rebuildDue() || !rebuilding.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(
                () -> {
                    try {
                        do {
                            rebuild();
                        } while (!closed.get() && rebuildDue());
                    } catch (Throwable e) {
                        LOG.warn(
                                "Collection '{}': rebuilding the kdtree failed; its overflow is scanned exactly",
                                collection,
                                e);
                    } finally {
                        rebuilding.set(false);
                    }
                },
                "caracal-kdtree-build-" + collection);
        t.setDaemon(true);
        builder = t;
        t.start();
    }

    /** Rebuilds now on the calling thread unless a rebuild runs (tests). */
    void rebuildNow() throws InterruptedException {
        while (!rebuilding.compareAndSet(false, true)) {
            awaitRebuild();
        }
        try {
            rebuild();
        } finally {
            rebuilding.set(false);
        }
    }

    /** Waits until no rebuild runs (tests). */
    void awaitRebuild() throws InterruptedException {
        while (rebuilding.get()) {
            Thread t = builder;
            if (t != null) {
                t.join(100);
            } else {
                Thread.sleep(5);
            }
        }
    }

    int treeSize() {
        lock.readLock().lock();
        try {
            return tree.size;
        } finally {
            lock.readLock().unlock();
        }
    }

    int overflowSize() {
        lock.readLock().lock();
        try {
            return overflowCount;
        } finally {
            lock.readLock().unlock();
        }
    }

    private void rebuild() {
        float[] points;
        int[] ordinals;
        int[] vers;
        int n = 0;
        lock.writeLock().lock(); // snapshot and start the log atomically, so every entry is in exactly one
        try {
            int capacity = tree.size + overflowCount;
            points = new float[capacity * dim];
            ordinals = new int[capacity];
            vers = new int[capacity];
            int[] count = {0};
            tree.forEach((o, v, vector, offset) -> {
                if (current.current(o, v)) {
                    System.arraycopy(vector, offset, points, count[0] * dim, dim);
                    ordinals[count[0]] = o;
                    vers[count[0]++] = v;
                }
            });
            n = count[0];
            for (int i = 0; i < overflowCount; i++) {
                int o = overflowOrdinals[i];
                if (current.current(o, overflowVersions[i])) {
                    vectors.copy(o, points, n * dim);
                    ordinals[n] = o;
                    vers[n++] = overflowVersions[i];
                }
            }
            pendingOrdinals = new int[64];
            pendingVersions = new int[64];
            pendingCount = 0;
        } finally {
            lock.writeLock().unlock();
        }
        long start = System.nanoTime();
        KdTree fresh = null;
        try {
            fresh = new KdTree(points, ordinals, vers, n, dim, leafSize);
        } finally {
            lock.writeLock().lock();
            try {
                if (fresh != null && !closed.get()) {
                    tree = fresh;
                    overflowOrdinals = pendingOrdinals;
                    overflowVersions = pendingVersions;
                    overflowCount = pendingCount;
                }
                pendingOrdinals = null;
                pendingVersions = null;
                pendingCount = 0;
            } finally {
                lock.writeLock().unlock();
            }
        }
        rebuilds.incrementAndGet();
        LOG.debug(
                "Collection '{}': kdtree rebuilt over {} vectors ({} nodes) in {} ms",
                collection,
                n,
                fresh.nodeCount(),
                (System.nanoTime() - start) / 1_000_000);
    }

    // ------------------------------------------------------------------------------------------------ search

    @Override
    public ScoredOrdinals search(float[] query, int k, OrdinalFilter filter, Map<String, Object> params) {
        if (query == null || query.length != dim) {
            throw new IllegalArgumentException("query of the wrong dimension");
        }
        lock.readLock().lock();
        try {
            checkOpen();
            if (k <= 0 || vectors.liveCount() == 0) {
                return EMPTY;
            }
            TopK top = new TopK(k);
            tree.search(query, top, filter, current);
            for (int i = 0; i < overflowCount; i++) {
                int o = overflowOrdinals[i];
                float score = -MATH.squareDistance(query, 0, vectors.page(o), vectors.offset(o), dim);
                if (score > top.threshold()
                        && current.current(o, overflowVersions[i])
                        && (filter == null || filter.accept(o))) {
                    top.offer(o, score);
                }
            }
            int n = top.size();
            int[] ordinals = new int[n];
            float[] scores = new float[n];
            top.drainSorted(ordinals, scores);
            if (cosine) {
                Scores.negatedSquaredToCosine(scores, n);
            } else {
                Scores.negatedSquaredToNegatedDistance(scores, n);
            }
            return new ScoredOrdinals(ordinals, scores);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public int size() {
        return liveCount;
    }

    @Override
    public long memoryBytes() {
        lock.readLock().lock();
        try {
            return vectors.memoryBytes() + tree.memoryBytes() + 4L * versions.length + 8L * overflowOrdinals.length;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Releases the vectors, the tree and the overflow; a rebuild still running finds the index closed. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed.set(true);
            vectors = new VectorPages(dim);
            versions = new int[0];
            tree = KdTree.EMPTY;
            overflowOrdinals = new int[0];
            overflowVersions = new int[0];
            overflowCount = 0;
            liveCount = 0;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the kdtree index of collection '" + collection + "' is closed");
        }
    }
}
