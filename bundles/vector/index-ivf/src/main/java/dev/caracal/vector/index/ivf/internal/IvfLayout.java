package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.math.VectorMath;
import java.util.Arrays;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * One trained generation of an index: the centroids, the inverted lists, the PQ codebooks (ivf-pq), and where each
 * ordinal lives. Before training ({@link #exact}) there is a single list of full vectors scanned exactly. A retrain
 * builds a new layout and the index swaps it in atomically.
 *
 * <p>Locking: the ordinal map and list membership change together under {@code mapLock} (lists' write locks nested
 * inside); searches take only the read locks of the lists they scan.
 */
final class IvfLayout {
    final int dim;
    final int nlist;
    final float[] centroids;
    final InvertedList[] lists;
    final ProductQuantizer pq;
    final boolean exact;
    /** PQ lists keep per-entry L2 distance terms (ivf-pq with the L2 metric). */
    final boolean terms;
    /** Mean Euclidean distance of the training sample to its centroid, and how many vectors the layout was built on. */
    final double trainMeanDistance;

    final int trainedSize;
    /** Distances of vectors assigned after training, to detect drift. */
    final DoubleAdder newDistance = new DoubleAdder();

    final LongAdder newCount = new LongAdder();

    private final Object mapLock = new Object();
    private char[] listOf = new char[0];
    private volatile long[] present = new long[0];
    private volatile int live;

    IvfLayout(
            int dim,
            float[] centroids,
            int nlist,
            InvertedList[] lists,
            ProductQuantizer pq,
            boolean exact,
            double trainMeanDistance,
            int trainedSize) {
        this(dim, centroids, nlist, lists, pq, exact, false, trainMeanDistance, trainedSize);
    }

    IvfLayout(
            int dim,
            float[] centroids,
            int nlist,
            InvertedList[] lists,
            ProductQuantizer pq,
            boolean exact,
            boolean terms,
            double trainMeanDistance,
            int trainedSize) {
        this.dim = dim;
        this.terms = terms && pq != null && !exact;
        this.centroids = centroids;
        this.nlist = nlist;
        this.lists = lists;
        this.pq = pq;
        this.exact = exact;
        this.trainMeanDistance = trainMeanDistance;
        this.trainedSize = trainedSize;
    }

    static IvfLayout untrained(int dim) {
        return new IvfLayout(
                dim, new float[dim], 1, new InvertedList[] {new InvertedList(dim, true, 0)}, null, true, 0, 0);
    }

    int size() {
        return live;
    }

    boolean isPresent(int ordinal) {
        long[] p = present;
        int w = ordinal >>> 6;
        return ordinal >= 0 && w < p.length && (p[w] & (1L << ordinal)) != 0;
    }

    /** One past the largest ordinal the map has room for. */
    int ordinalLimit() {
        return present.length << 6;
    }

    /** Nearest list of {@code v}; its squared distance in {@code dist[0]}. */
    int assign(float[] v, float[] dist, VectorMath kernels) {
        if (exact) {
            dist[0] = 0;
            return 0;
        }
        return KMeans.nearest(v, 0, centroids, nlist, dim, kernels, dist);
    }

    /** Codes the residual of {@code v} against centroid {@code list} (ivf-pq); null for full-vector lists. */
    byte[] encode(float[] v, int list) {
        if (pq == null) {
            return null;
        }
        float[] r = new float[dim];
        int base = list * dim;
        for (int d = 0; d < dim; d++) {
            r[d] = v[d] - centroids[base + d];
        }
        byte[] code = new byte[pq.m];
        pq.encode(r, 0, code, 0);
        return code;
    }

    /** Adds (or replaces) {@code ordinal}; {@code track} counts its distance towards drift detection. */
    void insert(int ordinal, float[] v, VectorMath kernels, boolean track) {
        float[] dist = new float[1];
        int list = assign(v, dist, kernels);
        byte[] code = encode(v, list);
        if (track && !exact) {
            newDistance.add(Math.sqrt(dist[0]));
            newCount.increment();
        }
        insertAssigned(ordinal, list, v, code);
    }

    void insertAssigned(int ordinal, int list, float[] v, byte[] code) {
        float term = terms ? pq.residualTerm(code, 0, centroids, list * dim) : 0f;
        synchronized (mapLock) {
            if (isPresent(ordinal)) {
                killLocked(ordinal);
            } else {
                live++;
            }
            ensureCapacity(ordinal);
            listOf[ordinal] = (char) list;
            long[] p = present;
            p[ordinal >>> 6] |= 1L << ordinal;
            InvertedList l = lists[list];
            l.lock.writeLock().lock();
            try {
                l.append(ordinal, v, code, term);
            } finally {
                l.lock.writeLock().unlock();
            }
        }
    }

    /**
     * Records that {@code ordinal} already sits in {@code list} (a reloaded layout, before it is published); false
     * when the ordinal is held already.
     */
    boolean adopt(int ordinal, int list) {
        synchronized (mapLock) {
            if (isPresent(ordinal)) {
                return false;
            }
            ensureCapacity(ordinal);
            listOf[ordinal] = (char) list;
            long[] p = present;
            p[ordinal >>> 6] |= 1L << ordinal;
            live++;
            return true;
        }
    }

    boolean delete(int ordinal) {
        synchronized (mapLock) {
            if (!isPresent(ordinal)) {
                return false;
            }
            killLocked(ordinal);
            long[] p = present;
            p[ordinal >>> 6] &= ~(1L << ordinal);
            live--;
            return true;
        }
    }

    private void killLocked(int ordinal) {
        InvertedList l = lists[listOf[ordinal]];
        l.lock.writeLock().lock();
        try {
            l.kill(ordinal);
        } finally {
            l.lock.writeLock().unlock();
        }
    }

    private void ensureCapacity(int ordinal) {
        if (ordinal >= listOf.length) {
            int capacity = Math.max(ordinal + 1, listOf.length + (listOf.length >>> 1) + 64);
            listOf = Arrays.copyOf(listOf, capacity);
            present = Arrays.copyOf(present, (capacity + 63) >>> 6);
        }
    }

    /** The ordinals held now. */
    int[] presentOrdinals() {
        synchronized (mapLock) {
            int[] out = new int[live];
            long[] p = present;
            int n = 0;
            for (int w = 0; w < p.length; w++) {
                long bits = p[w];
                while (bits != 0) {
                    out[n++] = (w << 6) + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                }
            }
            return n == out.length ? out : Arrays.copyOf(out, n);
        }
    }

    long memoryBytes() {
        long bytes = 128L + (centroids == null ? 0 : 4L * centroids.length) + (pq == null ? 0 : pq.memoryBytes());
        for (InvertedList l : lists) {
            bytes += l.memoryBytes();
        }
        synchronized (mapLock) {
            bytes += 2L * listOf.length + 8L * present.length;
        }
        return bytes;
    }
}
