package dev.caracal.vector.index.kdtree.internal;

import dev.caracal.vector.index.ScoredOrdinals;

/** The best {@code capacity} (score, ordinal) pairs seen, higher score is better: a primitive min-heap. */
final class TopK {
    private final int capacity;
    private final float[] scores;
    private final int[] ordinals;
    private int size;

    TopK(int capacity) {
        this.capacity = Math.max(1, capacity);
        this.scores = new float[this.capacity];
        this.ordinals = new int[this.capacity];
    }

    int size() {
        return size;
    }

    boolean full() {
        return size == capacity;
    }

    /** The score a candidate must beat to enter once full. */
    float threshold() {
        return size == capacity ? scores[0] : Float.NEGATIVE_INFINITY;
    }

    void offer(float score, int ordinal) {
        if (size < capacity) {
            int i = size++;
            scores[i] = score;
            ordinals[i] = ordinal;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (scores[p] <= scores[i]) {
                    break;
                }
                swap(i, p);
                i = p;
            }
        } else if (score > scores[0]) {
            scores[0] = score;
            ordinals[0] = ordinal;
            siftDown(0, size);
        }
    }

    private void siftDown(int i, int n) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= n) {
                return;
            }
            int m = l + 1 < n && scores[l + 1] < scores[l] ? l + 1 : l;
            if (scores[i] <= scores[m]) {
                return;
            }
            swap(i, m);
            i = m;
        }
    }

    private void swap(int a, int b) {
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        int o = ordinals[a];
        ordinals[a] = ordinals[b];
        ordinals[b] = o;
    }

    /** Score conversions applied when draining: raw, negated squared distance to -sqrt, or to cosine 1 - d^2/2. */
    enum Output { RAW, NEG_SQRT, COSINE_FROM_SQUARED }

    /** Drains the heap into arrays, best first. */
    ScoredOrdinals drain(Output output) {
        int n = size;
        int[] o = new int[n];
        float[] s = new float[n];
        for (int i = n - 1; i >= 0; i--) {
            o[i] = ordinals[0];
            float raw = scores[0];
            s[i] = switch (output) {
                case RAW -> raw;
                case NEG_SQRT -> (float) -Math.sqrt(Math.max(0f, -raw));
                case COSINE_FROM_SQUARED -> 1f + raw / 2f;
            };
            size--;
            scores[0] = scores[size];
            ordinals[0] = ordinals[size];
            siftDown(0, size);
        }
        return new ScoredOrdinals(o, s);
    }
}
