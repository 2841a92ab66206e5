package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.math.VectorMath;
import java.util.Arrays;

/**
 * Lists by increasing squared distance of their centroid to the query. Only the first {@code first} are selected
 * (a bounded heap) and sorted; asking beyond them (a filter that leaves too few candidates) sorts all.
 */
final class ProbeOrder {
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
        Arrays.sort(heap);
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
