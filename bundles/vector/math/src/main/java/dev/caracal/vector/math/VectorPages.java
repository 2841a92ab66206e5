package dev.caracal.vector.math;

import java.util.Arrays;

/**
 * An index's own copy of vectors, by ordinal, in pages of {@value #PAGE} vectors so growth never copies them, with a
 * live flag per ordinal. Not thread-safe: the owning index writes under its write lock and reads under its read
 * lock.
 */
public final class VectorPages {
    public static final int SHIFT = 10;
    public static final int PAGE = 1 << SHIFT;
    private static final int MASK = PAGE - 1;

    /** The dimension of every vector. */
    public final int dim;

    private float[][] pages = new float[0][];
    private boolean[] live = new boolean[0];
    private int maxOrdinal;
    private int liveCount;

    public VectorPages(int dim) {
        this.dim = dim;
    }

    /** Stores (or replaces) the vector of {@code ordinal} and marks it live; true if it was not live before. */
    public boolean put(int ordinal, float[] vector) {
        int page = ordinal >>> SHIFT;
        if (page >= pages.length) {
            pages = Arrays.copyOf(pages, Math.max(page + 1, pages.length * 2));
        }
        if (pages[page] == null) {
            pages[page] = new float[PAGE * dim];
        }
        if (ordinal >= live.length) {
            live = Arrays.copyOf(live, Math.max(ordinal + 1, Math.max(PAGE, live.length * 2)));
        }
        System.arraycopy(vector, 0, pages[page], (ordinal & MASK) * dim, dim);
        maxOrdinal = Math.max(maxOrdinal, ordinal + 1);
        if (!live[ordinal]) {
            live[ordinal] = true;
            liveCount++;
            return true;
        }
        return false;
    }

    /** Marks {@code ordinal} deleted; true if it was live. */
    public boolean kill(int ordinal) {
        if (ordinal >= 0 && ordinal < live.length && live[ordinal]) {
            live[ordinal] = false;
            liveCount--;
            return true;
        }
        return false;
    }

    /** Whether {@code ordinal} holds a vector that was not killed. */
    public boolean isLive(int ordinal) {
        return ordinal >= 0 && ordinal < live.length && live[ordinal];
    }

    /** The page array holding {@code ordinal}; its vector starts at {@link #offset}. */
    public float[] page(int ordinal) {
        return pages[ordinal >>> SHIFT];
    }

    /** Where the vector of {@code ordinal} starts in its {@link #page}. */
    public int offset(int ordinal) {
        return (ordinal & MASK) * dim;
    }

    /** Copies the vector of {@code ordinal} into {@code target} at {@code targetOffset}. */
    public void copy(int ordinal, float[] target, int targetOffset) {
        System.arraycopy(pages[ordinal >>> SHIFT], (ordinal & MASK) * dim, target, targetOffset, dim);
    }

    /** One past the highest ordinal ever stored. */
    public int maxOrdinal() {
        return maxOrdinal;
    }

    /** How many ordinals are live. */
    public int liveCount() {
        return liveCount;
    }

    /** Bytes of the pages and flags, roughly. */
    public long memoryBytes() {
        long bytes = (long) live.length + 16L * pages.length;
        for (float[] p : pages) {
            bytes += p == null ? 0 : 4L * p.length;
        }
        return bytes;
    }
}
