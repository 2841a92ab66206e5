package dev.caracal.vector.index.testkit;

import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.VectorSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.IntPredicate;

/**
 * Shared test helpers for index plugins: an in-memory vector source, data sets (clustered, low-rank clustered,
 * uniform, binary), opening and filling an index, and filters. Exact scores, brute force and recall are in
 * {@link GroundTruth}.
 */
public final class IndexTestData {
    private IndexTestData() {}

    /** Holds vectors by ordinal, as the store does: a vector is published ({@link #put}) before an index sees it. */
    public static final class Source implements VectorSource {
        public final int dim;
        public volatile float[] data = new float[0];
        public volatile boolean[] live = new boolean[0];
        public volatile int max;

        public Source(int dim) {
            this.dim = dim;
        }

        /** A source holding {@code vectors} at ordinals 0..n-1, all live. */
        public static Source of(float[][] vectors) {
            Source source = new Source(vectors[0].length);
            for (int o = vectors.length - 1; o >= 0; o--) { // the highest first: one allocation
                source.put(o, vectors[o]);
            }
            return source;
        }

        public synchronized void put(int ordinal, float[] v) {
            if (ordinal >= live.length) {
                int cap = Math.max(ordinal + 1, live.length * 2);
                data = Arrays.copyOf(data, cap * dim);
                live = Arrays.copyOf(live, cap);
            }
            System.arraycopy(v, 0, data, ordinal * dim, dim);
            live[ordinal] = true;
            max = Math.max(max, ordinal + 1);
        }

        public synchronized void kill(int ordinal) {
            live[ordinal] = false;
        }

        public float[] get(int ordinal) {
            float[] v = new float[dim];
            copyVector(ordinal, v);
            return v;
        }

        /** How many ordinals are live. */
        public int liveCount() {
            int n = 0;
            for (int o = 0; o < max; o++) {
                n += isLive(o) ? 1 : 0;
            }
            return n;
        }

        @Override
        public int dimension() {
            return dim;
        }

        @Override
        public int maxOrdinal() {
            return max;
        }

        @Override
        public boolean isLive(int ordinal) {
            boolean[] l = live;
            return ordinal >= 0 && ordinal < l.length && l[ordinal];
        }

        @Override
        public void copyVector(int ordinal, float[] target) {
            if (ordinal < 0 || ordinal >= max) {
                throw new IndexOutOfBoundsException("ordinal " + ordinal);
            }
            System.arraycopy(data, ordinal * dim, target, 0, dim);
        }
    }

    /** n vectors around {@code clusters} Gaussian centres (spread 1), each point at sigma 0.35 around its centre. */
    public static float[][] clustered(Random random, int n, int dim, int clusters, double offset) {
        float[][] centres = new float[clusters][dim];
        for (float[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = (float) (random.nextGaussian() + offset);
            }
        }
        float[][] out = new float[n][dim];
        for (int i = 0; i < n; i++) {
            float[] c = centres[random.nextInt(clusters)];
            for (int d = 0; d < dim; d++) {
                out[i][d] = (float) (c[d] + 0.35 * random.nextGaussian());
            }
        }
        return out;
    }

    /**
     * {@code n} points around {@code clusters} Gaussian centres; within a cluster the spread lies mostly along 8
     * cluster-specific directions (low intrinsic dimension, as in real embeddings) plus small isotropic noise. The
     * clusters come from a fixed seed, so data and queries drawn with different {@code random}s share them.
     */
    public static float[][] lowRankClustered(Random random, int n, int dim, int clusters) {
        Random shape = new Random(12345);
        int rank = 8;
        float[][] centres = new float[clusters][dim];
        float[][][] axes = new float[clusters][rank][dim];
        for (int c = 0; c < clusters; c++) {
            for (int i = 0; i < dim; i++) {
                centres[c][i] = (float) (shape.nextGaussian() * 3);
                for (int a = 0; a < rank; a++) {
                    axes[c][a][i] = (float) (shape.nextGaussian() / Math.sqrt(dim) * 2);
                }
            }
        }
        float[][] out = new float[n][dim];
        for (int j = 0; j < n; j++) {
            int c = random.nextInt(clusters);
            for (int i = 0; i < dim; i++) {
                out[j][i] = centres[c][i] + (float) (random.nextGaussian() * 0.1);
            }
            for (int a = 0; a < rank; a++) {
                float w = (float) random.nextGaussian();
                for (int i = 0; i < dim; i++) {
                    out[j][i] += w * axes[c][a][i];
                }
            }
        }
        return out;
    }

    /** Components uniform in [-1, 1). */
    public static float[][] uniform(Random random, int n, int dim) {
        float[][] out = new float[n][dim];
        for (float[] v : out) {
            for (int i = 0; i < dim; i++) {
                v[i] = random.nextFloat() * 2 - 1;
            }
        }
        return out;
    }

    /**
     * Binary vectors (components 0 or 1) around {@code clusters} prototypes with 30% ones, each bit flipped with
     * probability {@code flip}. The prototypes come from a fixed seed, so data and queries drawn with different
     * {@code random}s share them.
     */
    public static float[][] binaryClustered(Random random, int n, int dim, int clusters, double flip) {
        Random shape = new Random(54321);
        boolean[][] prototypes = new boolean[clusters][dim];
        for (boolean[] p : prototypes) {
            for (int i = 0; i < dim; i++) {
                p[i] = shape.nextDouble() < 0.3;
            }
        }
        float[][] out = new float[n][dim];
        for (int j = 0; j < n; j++) {
            boolean[] p = prototypes[random.nextInt(clusters)];
            for (int i = 0; i < dim; i++) {
                out[j][i] = (p[i] ^ (random.nextDouble() < flip)) ? 1f : 0f;
            }
        }
        return out;
    }

    /** The absolute values of {@code data}, in place; returns it. */
    public static float[][] nonNegative(float[][] data) {
        for (float[] v : data) {
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.abs(v[i]);
            }
        }
        return data;
    }

    /** A copy prepared for the metric: unit length for cosine (as the store gives them). */
    public static float[][] forMetric(float[][] data, Metric metric) {
        float[][] out = new float[data.length][];
        for (int i = 0; i < data.length; i++) {
            out[i] = data[i].clone();
            if (metric == Metric.COSINE) {
                normalize(out[i]);
            }
        }
        return out;
    }

    public static void normalize(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        float inv = (float) (1 / Math.sqrt(s));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
    }

    /** The context an index of {@code factory} gets from the store, with {@code params} validated. */
    public static IndexContext context(
            VectorIndexFactory factory, Metric metric, VectorSource source, Map<String, Object> params, Path dir) {
        return new IndexContext(
                "test", metric, new IndexSpec(factory.type(), factory.validateBuildParams(params)), source, dir);
    }

    /** Opens an index of {@code factory}, typed as the plugin's own class. */
    @SuppressWarnings("unchecked")
    public static <T extends VectorIndex> T openIndex(
            VectorIndexFactory factory, Metric metric, VectorSource source, Map<String, Object> params, Path dir) {
        return (T) factory.open(context(factory, metric, source, params, dir));
    }

    /** Opens an index over {@code data} (ordinals 0..n-1) and adds every vector, in order. */
    public static <T extends VectorIndex> T build(
            VectorIndexFactory factory, Metric metric, float[][] data, Map<String, Object> params, Path dir) {
        T index = openIndex(factory, metric, Source.of(data), params, dir);
        for (int i = 0; i < data.length; i++) {
            index.add(i, data[i]);
        }
        return index;
    }

    public static OrdinalFilter filter(IntPredicate accept, int estimate) {
        return new OrdinalFilter() {
            @Override
            public boolean accept(int ordinal) {
                return accept.test(ordinal);
            }

            @Override
            public int estimatedCount() {
                return estimate;
            }
        };
    }
}
