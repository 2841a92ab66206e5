package dev.caracal.vector.index.hnsw.internal;

import java.util.Arrays;

/**
 * A node and its score packed into one {@code long} whose natural order is the order of the scores (ties by node), so
 * that candidates and results live in primitive heaps and arrays: no object per scored node.
 */
final class ScoredNode {
    private ScoredNode() {}

    static long encode(float score, int node) {
        int bits = Float.floatToRawIntBits(score);
        bits ^= (bits >> 31) & 0x7fffffff;
        return ((long) bits << 32) | (node & 0xffffffffL);
    }

    static float score(long scored) {
        int bits = (int) (scored >> 32);
        bits ^= (bits >> 31) & 0x7fffffff;
        return Float.intBitsToFloat(bits);
    }

    static int node(long scored) {
        return (int) scored;
    }

    /** Sorts the first {@code count} entries of {@code scored}, best (highest score) first. */
    static void sortBestFirst(long[] scored, int count) {
        Arrays.sort(scored, 0, count);
        for (int i = 0, j = count - 1; i < j; i++, j--) {
            long swap = scored[i];
            scored[i] = scored[j];
            scored[j] = swap;
        }
    }

    /** Empties {@code heap} (a min-heap of encoded entries) into a new array, best first. */
    static long[] drainBestFirst(LongHeap heap) {
        long[] out = new long[heap.size()];
        for (int i = out.length - 1; i >= 0; i--) {
            out[i] = heap.pop();
        }
        return out;
    }
}
