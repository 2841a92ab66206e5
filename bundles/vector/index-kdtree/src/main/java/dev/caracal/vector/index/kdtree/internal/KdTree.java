package dev.caracal.vector.index.kdtree.internal;

import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.math.TopK;
import java.util.Arrays;

/**
 * An immutable KD-tree over a snapshot of (ordinal, version, vector) entries: median splits on the dimension of
 * largest spread, leaves of at most {@code leafSize} points, the points stored contiguously in tree order.
 */
final class KdTree {
    final int size;
    final int dim;
    private final float[] points;
    private final int[] ordinals;
    private final int[] versions;
    private int nodes;
    private int[] splitDim = new int[16]; // -1 for a leaf
    private float[] split = new float[16];
    private int[] lo = new int[16];
    private int[] hi = new int[16];
    private int[] left = new int[16];
    private int[] right = new int[16];

    static final KdTree EMPTY = new KdTree(new float[0], new int[0], new int[0], 0, 1, 1);

    /** Builds over {@code n} entries; {@code points} holds entry i at {@code i * dim} and is not modified. */
    KdTree(float[] points, int[] ordinals, int[] versions, int n, int dim, int leafSize) {
        this.size = n;
        this.dim = dim;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (n > 0) {
            build(points, order, 0, n, Math.max(1, leafSize));
        }
        this.points = new float[n * dim];
        this.ordinals = new int[n];
        this.versions = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(points, order[i] * dim, this.points, i * dim, dim);
            this.ordinals[i] = ordinals[order[i]];
            this.versions[i] = versions[order[i]];
        }
    }

    private int newNode() {
        if (nodes == splitDim.length) {
            int cap = nodes * 2;
            splitDim = Arrays.copyOf(splitDim, cap);
            split = Arrays.copyOf(split, cap);
            lo = Arrays.copyOf(lo, cap);
            hi = Arrays.copyOf(hi, cap);
            left = Arrays.copyOf(left, cap);
            right = Arrays.copyOf(right, cap);
        }
        return nodes++;
    }

    private int build(float[] points, int[] order, int from, int to, int leafSize) {
        int node = newNode();
        lo[node] = from;
        hi[node] = to;
        int d = to - from <= leafSize ? -1 : widestDimension(points, order, from, to);
        if (d < 0) { // a leaf (also when every point in range is identical)
            splitDim[node] = -1;
            return node;
        }
        int mid = (from + to) >>> 1;
        select(points, order, from, to - 1, mid, d);
        splitDim[node] = d;
        split[node] = points[order[mid] * dim + d];
        int l = build(points, order, from, mid, leafSize);
        int r = build(points, order, mid, to, leafSize);
        left[node] = l;
        right[node] = r;
        return node;
    }

    /** The dimension with the largest max - min over the range, or -1 when all points coincide. */
    private int widestDimension(float[] points, int[] order, int from, int to) {
        int best = -1;
        float bestSpread = 0;
        for (int d = 0; d < dim; d++) {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                float v = points[order[i] * dim + d];
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            if (max - min > bestSpread) {
                bestSpread = max - min;
                best = d;
            }
        }
        return best;
    }

    /** Quickselect: after it, order[k] holds the k-th smallest on dimension d within [left, right]. */
    private void select(float[] points, int[] order, int left, int right, int k, int d) {
        while (right > left) {
            int pivotIndex = (left + right) >>> 1;
            // median of three for a stable pivot on sorted input
            float a = points[order[left] * dim + d];
            float b = points[order[pivotIndex] * dim + d];
            float c = points[order[right] * dim + d];
            if ((a <= b) == (b <= c)) {
                // b is the median
            } else if ((b <= a) == (a <= c)) {
                pivotIndex = left;
            } else {
                pivotIndex = right;
            }
            float pivot = points[order[pivotIndex] * dim + d];
            swap(order, pivotIndex, right);
            int store = left;
            for (int i = left; i < right; i++) {
                if (points[order[i] * dim + d] < pivot) {
                    swap(order, store++, i);
                }
            }
            swap(order, store, right);
            // everything equal to the pivot lies right of store; skip ties so duplicates do not degrade
            if (k == store) {
                return;
            } else if (k < store) {
                right = store - 1;
            } else {
                left = store + 1;
            }
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /**
     * Branch and bound from the root: offers every valid entry that may enter {@code top} (scores are negated
     * squared distances); an entry is valid when {@code valid} says its ordinal is live at that version and the
     * filter accepts it.
     */
    void search(float[] query, TopK top, OrdinalFilter filter, EntryCheck valid) {
        if (size > 0) {
            search(0, query, top, filter, valid);
        }
    }

    private void search(int node, float[] query, TopK top, OrdinalFilter filter, EntryCheck valid) {
        int d = splitDim[node];
        if (d < 0) {
            for (int i = lo[node], end = hi[node]; i < end; i++) {
                float score = -KdTreeIndex.MATH.squareDistance(query, 0, points, i * dim, dim);
                if (score > top.threshold()
                        && valid.current(ordinals[i], versions[i])
                        && (filter == null || filter.accept(ordinals[i]))) {
                    top.offer(ordinals[i], score);
                }
            }
            return;
        }
        float diff = query[d] - split[node];
        int near = diff < 0 ? left[node] : right[node];
        int far = diff < 0 ? right[node] : left[node];
        search(near, query, top, filter, valid);
        if (-(diff * diff) > top.threshold()) { // the far side may hold something closer than the worst kept
            search(far, query, top, filter, valid);
        }
    }

    /** Calls {@code consumer} for every entry (snapshots for a rebuild). */
    void forEach(EntryConsumer consumer) {
        for (int i = 0; i < size; i++) {
            consumer.accept(ordinals[i], versions[i], points, i * dim);
        }
    }

    long memoryBytes() {
        return 4L * points.length + 8L * size + 28L * splitDim.length;
    }

    int nodeCount() {
        return nodes;
    }

    interface EntryCheck {
        boolean current(int ordinal, int version);
    }

    interface EntryConsumer {
        void accept(int ordinal, int version, float[] vector, int offset);
    }
}
