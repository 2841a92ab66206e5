package dev.caracal.vector.index.lsh.internal;

import dev.caracal.vector.math.VectorMath;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * L hash tables of {@code bits} hash functions each, and the buckets they map ordinals to.
 *
 * <p>Cosine and dot: each function is a random unit hyperplane, its code the side of the plane (SimHash); a
 * neighbouring bucket flips one bit, and the planes closest to the query (smallest |projection|) flip first.
 * L2: each function is a p-stable projection {@code floor(a.v / width + shift)} with Gaussian {@code a} and a
 * uniform shift; a neighbouring bucket moves one projection by one, nearest boundary first.
 *
 * <p>A table's key combines the codes linearly ({@code sum code_j * m_j}, with random odd {@code m_j}), so a
 * probe is the home key plus or minus one multiplier. Not thread-safe: the index mutates under its write lock.
 */
final class LshTables {
    private static final VectorMath MATH = VectorMath.get();
    final int tables;
    final int bits;
    final int dim;
    final boolean l2;
    final float width;
    private final float[] planes;
    private final float[] shifts;
    private final int[] multipliers;
    private final Buckets[] buckets;
    /** The key of each ordinal in each table ({@code ordinal * tables + t}), valid where {@code hashed}. */
    private int[] keys = new int[0];

    private boolean[] hashed = new boolean[0];

    LshTables(int dim, boolean l2, int tables, int bits, float width, long seed) {
        this.tables = tables;
        this.bits = bits;
        this.dim = dim;
        this.l2 = l2;
        this.width = width;
        SplittableRandom random = new SplittableRandom(seed);
        int functions = tables * bits;
        planes = new float[functions * dim];
        shifts = new float[functions];
        multipliers = new int[functions];
        for (int f = 0; f < functions; f++) {
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                double g = gaussian(random);
                planes[f * dim + d] = (float) g;
                norm += g * g;
            }
            // cosine: unit planes so |projection| compares across planes; l2: scaled by 1/width
            double scale = l2 ? 1.0 / width : 1.0 / Math.sqrt(Math.max(norm, 1e-30));
            for (int d = 0; d < dim; d++) {
                planes[f * dim + d] *= (float) scale;
            }
            shifts[f] = l2 ? (float) random.nextDouble() : 0f;
            multipliers[f] = random.nextInt() | 1;
        }
        buckets = new Buckets[tables];
        for (int t = 0; t < tables; t++) {
            buckets[t] = new Buckets();
        }
    }

    private static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-300))) * Math.cos(2 * Math.PI * u2);
    }

    /** The projections of a vector on every function: {@code out[t * bits + j]}. */
    void project(float[] v, int offset, float[] out) {
        for (int f = 0, functions = tables * bits; f < functions; f++) {
            out[f] = MATH.dot(planes, f * dim, v, offset, dim) + shifts[f];
        }
    }

    private int code(float projection) {
        return l2 ? (int) Math.floor(projection) : (projection >= 0 ? 1 : 0);
    }

    int key(float[] projections, int table) {
        int key = 0;
        int base = table * bits;
        for (int j = 0; j < bits; j++) {
            key += code(projections[base + j]) * multipliers[base + j];
        }
        return key;
    }

    /** Hashes (or re-hashes) an ordinal's vector into every table. */
    void insert(int ordinal, float[] vector, int offset, float[] scratch) {
        project(vector, offset, scratch);
        if (ordinal >= hashed.length) {
            int cap = Math.max(ordinal + 1, Math.max(1024, hashed.length * 2));
            hashed = Arrays.copyOf(hashed, cap);
            keys = Arrays.copyOf(keys, cap * tables);
        }
        boolean had = hashed[ordinal];
        for (int t = 0; t < tables; t++) {
            int key = key(scratch, t);
            int slot = ordinal * tables + t;
            if (had) {
                if (keys[slot] == key) {
                    continue;
                }
                buckets[t].remove(keys[slot], ordinal);
            }
            keys[slot] = key;
            buckets[t].add(key, ordinal);
        }
        hashed[ordinal] = true;
    }

    /**
     * The keys to visit in {@code table} for a query: its home bucket first, then up to {@code probes} neighbours:
     * single perturbations (one bit flipped, one projection moved by one) nearest boundary first, then pairs of
     * them by the sum of their margins. Returns how many keys were written to {@code out} (length >= probes + 1);
     * {@code margins} and {@code deltas} are scratch of length >= 2 * bits + PAIR_POOL^2.
     */
    int probeKeys(
            float[] projections, int table, int probes, int[] out, float[] margins, int[] deltas, int[] functions) {
        int base = table * bits;
        int home = key(projections, table);
        out[0] = home;
        if (probes == 0) {
            return 1;
        }
        int n = 0;
        for (int j = 0; j < bits; j++) {
            float p = projections[base + j];
            int m = multipliers[base + j];
            if (l2) {
                float frac = p - (float) Math.floor(p);
                functions[n] = j;
                margins[n] = frac;
                deltas[n++] = -m;
                functions[n] = j;
                margins[n] = 1 - frac;
                deltas[n++] = m;
            } else {
                functions[n] = j;
                margins[n] = Math.abs(p);
                deltas[n++] = p >= 0 ? -m : m;
            }
        }
        sortPrefix(margins, deltas, functions, 0, n, Math.min(n, Math.max(probes, PAIR_POOL)));
        int count = 0;
        for (int i = 0; i < n && count < probes; i++) {
            out[1 + count++] = home + deltas[i];
        }
        if (count < probes) { // pairs of the best single perturbations
            int pool = Math.min(n, PAIR_POOL);
            int start = n;
            int pairs = start;
            for (int i = 0; i < pool; i++) {
                for (int j = i + 1; j < pool; j++) {
                    if (functions[i] != functions[j]) {
                        margins[pairs] = margins[i] + margins[j];
                        deltas[pairs] = deltas[i] + deltas[j];
                        functions[pairs++] = -1;
                    }
                }
            }
            int wanted = Math.min(pairs - start, probes - count);
            sortPrefix(margins, deltas, functions, start, pairs, wanted);
            for (int i = 0; i < wanted; i++) {
                out[1 + count++] = home + deltas[start + i];
            }
        }
        return count + 1;
    }

    /** How many single perturbations are paired at most when probing beyond them. */
    static final int PAIR_POOL = 12;

    static int scratchLength(int bits) {
        return 2 * bits + PAIR_POOL * PAIR_POOL;
    }

    /** Partial selection sort of [from, to) by margin: the first {@code count} smallest, in order. */
    private static void sortPrefix(float[] margins, int[] deltas, int[] functions, int from, int to, int count) {
        for (int i = from; i < from + count; i++) {
            int best = i;
            for (int c = i + 1; c < to; c++) {
                if (margins[c] < margins[best]) {
                    best = c;
                }
            }
            float tm = margins[i];
            margins[i] = margins[best];
            margins[best] = tm;
            int td = deltas[i];
            deltas[i] = deltas[best];
            deltas[best] = td;
            int tf = functions[i];
            functions[i] = functions[best];
            functions[best] = tf;
        }
    }

    /** The buckets of {@code table}: {@code find(key)} gives an id, then {@code lists[id]} up to {@code sizes[id]}. */
    Buckets buckets(int table) {
        return buckets[table];
    }

    long memoryBytes() {
        long bytes = 4L * (planes.length + shifts.length + multipliers.length + keys.length) + hashed.length;
        for (Buckets b : buckets) {
            bytes += b.memoryBytes();
        }
        return bytes;
    }

    /** Open-addressing map from a key to a growable list of ordinals. */
    static final class Buckets {
        private int[] slotKeys = new int[64];
        private int[] slotIds = new int[64]; // bucket id + 1; 0 is empty
        int[][] lists = new int[16][];
        int[] sizes = new int[16];
        private int count;
        private long entries;

        private static int mix(int key) {
            int h = key * 0x9E3779B9;
            return h ^ (h >>> 16);
        }

        int find(int key) {
            int mask = slotKeys.length - 1;
            for (int h = mix(key) & mask; ; h = (h + 1) & mask) {
                int id = slotIds[h];
                if (id == 0) {
                    return -1;
                }
                if (slotKeys[h] == key) {
                    return id - 1;
                }
            }
        }

        void add(int key, int ordinal) {
            int id = find(key);
            if (id < 0) {
                if (2 * (count + 1) > slotKeys.length) {
                    grow();
                }
                id = count++;
                if (id == lists.length) {
                    lists = Arrays.copyOf(lists, id * 2);
                    sizes = Arrays.copyOf(sizes, id * 2);
                }
                lists[id] = new int[2];
                place(key, id);
            }
            int[] list = lists[id];
            if (sizes[id] == list.length) {
                list = lists[id] = Arrays.copyOf(list, list.length * 2);
            }
            list[sizes[id]++] = ordinal;
            entries++;
        }

        void remove(int key, int ordinal) {
            int id = find(key);
            if (id < 0) {
                return;
            }
            int[] list = lists[id];
            for (int i = 0; i < sizes[id]; i++) {
                if (list[i] == ordinal) {
                    list[i] = list[--sizes[id]];
                    entries--;
                    return;
                }
            }
        }

        private void place(int key, int id) {
            int mask = slotKeys.length - 1;
            int h = mix(key) & mask;
            while (slotIds[h] != 0) {
                h = (h + 1) & mask;
            }
            slotKeys[h] = key;
            slotIds[h] = id + 1;
        }

        private void grow() {
            int[] oldKeys = slotKeys;
            int[] oldIds = slotIds;
            slotKeys = new int[oldKeys.length * 2];
            slotIds = new int[oldIds.length * 2];
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldIds[i] != 0) {
                    place(oldKeys[i], oldIds[i] - 1);
                }
            }
        }

        long memoryBytes() {
            long bytes = 8L * slotKeys.length + 12L * lists.length;
            for (int i = 0; i < count; i++) {
                bytes += 16 + 4L * lists[i].length;
            }
            return bytes;
        }
    }
}
