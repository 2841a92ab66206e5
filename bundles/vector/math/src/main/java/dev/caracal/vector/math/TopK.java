package dev.caracal.vector.math;

import java.util.Arrays;

/**
 * The best {@code k} (score, ordinal) pairs seen so far, higher score is better, as a binary min-heap over two
 * primitive arrays: the root is the weakest kept hit, so a candidate is compared once against {@link #threshold()}.
 * Ties keep the lower ordinal, which makes results (and merged per-thread heaps) deterministic. Not thread-safe: one
 * per scanning thread, merged at the end with {@link #addAll(TopK)}.
 */
public final class TopK {
    private final int k;
    private final float[] scores;
    private final int[] ordinals;
    private int size;

    /** A heap that keeps the best {@code k} (at least 1). */
    public TopK(int k) {
        this.k = Math.max(1, k);
        this.scores = new float[this.k];
        this.ordinals = new int[this.k];
    }

    /** How many pairs are kept. */
    public int size() {
        return size;
    }

    /** Whether {@code k} pairs are kept: from now on a candidate must beat {@link #threshold()}. */
    public boolean isFull() {
        return size == k;
    }

    /** The score a candidate must beat once the heap is full ({@code -Infinity} before). */
    public float threshold() {
        return size == k ? scores[0] : Float.NEGATIVE_INFINITY;
    }

    /** Offers a candidate; returns whether it was kept. */
    public boolean offer(int ordinal, float score) {
        if (size < k) {
            int i = size++;
            scores[i] = score;
            ordinals[i] = ordinal;
            siftUp(i);
            return true;
        }
        if (!better(score, ordinal, scores[0], ordinals[0])) {
            return false;
        }
        scores[0] = score;
        ordinals[0] = ordinal;
        siftDown(0);
        return true;
    }

    /** Offers every pair {@code other} keeps (merging per-thread heaps). */
    public void addAll(TopK other) {
        for (int i = 0; i < other.size; i++) {
            offer(other.ordinals[i], other.scores[i]);
        }
    }

    /** The ordinals kept, in no particular order (for re-ranking); the heap is unchanged. */
    public int[] ordinals() {
        return Arrays.copyOf(ordinals, size);
    }

    /**
     * Drains the heap into parallel arrays (at least {@link #size()} long), best first; returns how many were written.
     * The heap is empty afterwards.
     */
    public int drainSorted(int[] ordinalsOut, float[] scoresOut) {
        int n = size;
        for (int i = n - 1; i >= 0; i--) {
            ordinalsOut[i] = ordinals[0];
            scoresOut[i] = scores[0];
            size--;
            if (size > 0) {
                scores[0] = scores[size];
                ordinals[0] = ordinals[size];
                siftDown(0);
            }
        }
        return n;
    }

    /** Whether (s1, o1) ranks before (s2, o2): higher score, then lower ordinal. */
    private static boolean better(float s1, int o1, float s2, int o2) {
        return s1 > s2 || (s1 == s2 && o1 < o2);
    }

    private void siftUp(int i) {
        float s = scores[i];
        int o = ordinals[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!better(scores[parent], ordinals[parent], s, o)) {
                break;
            }
            scores[i] = scores[parent];
            ordinals[i] = ordinals[parent];
            i = parent;
        }
        scores[i] = s;
        ordinals[i] = o;
    }

    private void siftDown(int i) {
        float s = scores[i];
        int o = ordinals[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && better(scores[child], ordinals[child], scores[right], ordinals[right])) {
                child = right;
            }
            if (!better(s, o, scores[child], ordinals[child])) {
                break;
            }
            scores[i] = scores[child];
            ordinals[i] = ordinals[child];
            i = child;
        }
        scores[i] = s;
        ordinals[i] = o;
    }
}
