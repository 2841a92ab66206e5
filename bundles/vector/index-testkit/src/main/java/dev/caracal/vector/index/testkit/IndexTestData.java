package dev.caracal.vector.index.testkit;

import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.VectorSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.IntPredicate;

/**
 * Shared test helpers for index plugins: an in-memory vector source, clustered Gaussian data, brute force, recall.
 * Each plugin's tests extend it with a {@code TestData} class that adds a typed {@code open}.
 */
public abstract class IndexTestData {
    protected IndexTestData() {}

    /** Holds vectors by ordinal, as the store does. */
    public static final class Source implements VectorSource {
        public final int dim;
        public volatile float[] data = new float[0];
        public volatile boolean[] live = new boolean[0];
        public volatile int max;

        public Source(int dim) {
            this.dim = dim;
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
            return ordinal < l.length && l[ordinal];
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

    public static float score(Metric metric, float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += metric == Metric.L2 ? (a[i] - b[i]) * (a[i] - b[i]) : a[i] * b[i];
        }
        return (float) (metric == Metric.L2 ? -Math.sqrt(s) : s);
    }

    /** The exact top k among live ordinals passing {@code accept}. */
    public static int[] bruteForce(Source source, Metric metric, float[] q, int k, IntPredicate accept) {
        int n = source.maxOrdinal();
        Integer[] ordinals = new Integer[n];
        float[] scores = new float[n];
        int count = 0;
        float[] v = new float[source.dimension()];
        for (int o = 0; o < n; o++) {
            if (source.isLive(o) && (accept == null || accept.test(o))) {
                source.copyVector(o, v);
                scores[o] = score(metric, q, v);
                ordinals[count++] = o;
            }
        }
        Integer[] live = Arrays.copyOf(ordinals, count);
        Arrays.sort(live, (a, b) -> Float.compare(scores[b], scores[a]));
        int[] out = new int[Math.min(k, count)];
        for (int i = 0; i < out.length; i++) {
            out[i] = live[i];
        }
        return out;
    }

    public static double recall(int[] truth, ScoredOrdinals got) {
        int hit = 0;
        for (int t : truth) {
            for (int g : got.ordinals()) {
                if (g == t) {
                    hit++;
                    break;
                }
            }
        }
        return truth.length == 0 ? 1 : (double) hit / truth.length;
    }

    @SuppressWarnings("unchecked")
    public static <T extends VectorIndex> T openIndex(
            VectorIndexFactory factory, Metric metric, Source source, Map<String, Object> params, Path dir) {
        Map<String, Object> p = factory.validateBuildParams(params);
        return (T) factory.open(new IndexContext("test", metric, new IndexSpec(factory.type(), p), source, dir));
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
