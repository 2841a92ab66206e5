package dev.caracal.vector.index.ivf.internal;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One inverted list: parallel primitive arrays of ordinals and either full vectors ({@code width} floats each) or PQ
 * codes ({@code width} bytes each), grown in chunks. A removal sets a tombstone bit; the list compacts itself when a
 * quarter of it is dead. Readers scan under the read lock, writers append or kill under the write lock.
 *
 * <p>PQ lists of an L2 index also hold one float per entry, {@code terms}: the query-independent part of the squared
 * distance to the coded vector, {@code |r|^2 + 2<c, r>} (centroid {@code c}, decoded residual {@code r}), so a
 * query needs no per-list distance table (see {@link ProductQuantizer#dotTable}).
 */
final class InvertedList {
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final int width;
    final boolean floats;
    int[] ordinals;
    float[] vectors;
    byte[] codes;
    float[] terms;
    long[] dead;
    int size;
    int deadCount;

    InvertedList(int width, boolean floats, int capacity) {
        this(width, floats, false, capacity);
    }

    InvertedList(int width, boolean floats, boolean withTerms, int capacity) {
        this.width = width;
        this.floats = floats;
        this.ordinals = new int[capacity];
        if (floats) {
            vectors = new float[capacity * width];
        } else {
            codes = new byte[capacity * width];
            if (withTerms) {
                terms = new float[capacity];
            }
        }
        this.dead = new long[(capacity + 63) >>> 6];
    }

    /** Appends an entry; the caller holds the write lock. */
    void append(int ordinal, float[] vector, byte[] code, float term) {
        if (size == ordinals.length) {
            grow(size + Math.max(16, size >>> 2));
        }
        ordinals[size] = ordinal;
        if (floats) {
            System.arraycopy(vector, 0, vectors, size * width, width);
        } else {
            System.arraycopy(code, 0, codes, size * width, width);
            if (terms != null) {
                terms[size] = term;
            }
        }
        size++;
    }

    private void grow(int capacity) {
        ordinals = Arrays.copyOf(ordinals, capacity);
        if (floats) {
            vectors = Arrays.copyOf(vectors, capacity * width);
        } else {
            codes = Arrays.copyOf(codes, capacity * width);
            if (terms != null) {
                terms = Arrays.copyOf(terms, capacity);
            }
        }
        dead = Arrays.copyOf(dead, (capacity + 63) >>> 6);
    }

    boolean isDead(int position) {
        return (dead[position >>> 6] & (1L << position)) != 0;
    }

    /** Marks the live entry of {@code ordinal} dead (the caller holds the write lock); returns whether found. */
    boolean kill(int ordinal) {
        for (int i = size - 1; i >= 0; i--) {
            if (ordinals[i] == ordinal && !isDead(i)) {
                dead[i >>> 6] |= 1L << i;
                deadCount++;
                if (deadCount >= 16 && deadCount * 4 >= size) {
                    compact();
                }
                return true;
            }
        }
        return false;
    }

    /** Drops dead entries in place (the caller holds the write lock); shrinks arrays much larger than needed. */
    void compact() {
        int w = 0;
        for (int r = 0; r < size; r++) {
            if (isDead(r)) {
                continue;
            }
            if (w != r) {
                ordinals[w] = ordinals[r];
                if (floats) {
                    System.arraycopy(vectors, r * width, vectors, w * width, width);
                } else {
                    System.arraycopy(codes, r * width, codes, w * width, width);
                    if (terms != null) {
                        terms[w] = terms[r];
                    }
                }
            }
            w++;
        }
        size = w;
        deadCount = 0;
        Arrays.fill(dead, 0L);
        if (ordinals.length > 2 * size + 16) {
            int capacity = size + Math.max(16, size >>> 2);
            ordinals = Arrays.copyOf(ordinals, capacity);
            if (floats) {
                vectors = Arrays.copyOf(vectors, capacity * width);
            } else {
                codes = Arrays.copyOf(codes, capacity * width);
                if (terms != null) {
                    terms = Arrays.copyOf(terms, capacity);
                }
            }
            dead = new long[(capacity + 63) >>> 6];
        }
    }

    long memoryBytes() {
        return 64L
                + 4L * ordinals.length
                + 8L * dead.length
                + (floats ? 4L * vectors.length : codes.length)
                + (terms == null ? 0 : 4L * terms.length);
    }
}
