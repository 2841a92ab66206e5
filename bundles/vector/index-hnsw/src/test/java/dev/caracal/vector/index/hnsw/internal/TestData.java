package dev.caracal.vector.index.hnsw.internal;

import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.Random;
import java.util.function.IntPredicate;

/** Data sets, a {@link VectorSource} over arrays, brute force and recall for the hnsw tests. */
final class TestData {
    private TestData() {}

    /** Vectors by ordinal, with a live bitset. */
    static final class ArraySource implements VectorSource {
        final float[][] vectors;
        final BitSet live = new BitSet();

        ArraySource(float[][] vectors) {
            this.vectors = vectors;
            live.set(0, vectors.length);
        }

        @Override
        public int dimension() {
            return vectors[0].length;
        }

        @Override
        public int maxOrdinal() {
            return vectors.length;
        }

        @Override
        public boolean isLive(int ordinal) {
            return live.get(ordinal);
        }

        @Override
        public void copyVector(int ordinal, float[] target) {
            System.arraycopy(vectors[ordinal], 0, target, 0, target.length);
        }
    }

    static final class PredicateFilter implements OrdinalFilter {
        final IntPredicate predicate;
        final int estimate;

        PredicateFilter(IntPredicate predicate, int estimate) {
            this.predicate = predicate;
            this.estimate = estimate;
        }

        @Override
        public boolean accept(int ordinal) {
            return predicate.test(ordinal);
        }

        @Override
        public int estimatedCount() {
            return estimate;
        }
    }

    /**
     * {@code n} points around {@code clusters} Gaussian centres; within a cluster the spread lies mostly along 8
     * cluster-specific directions (low intrinsic dimension, as in real embeddings) plus small isotropic noise.
     */
    static float[][] clustered(Random r, int n, int dim, int clusters) {
        Random shape = new Random(12345); // the same clusters for data and queries
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
            int c = r.nextInt(clusters);
            for (int i = 0; i < dim; i++) {
                out[j][i] = centres[c][i] + (float) (r.nextGaussian() * 0.1);
            }
            for (int a = 0; a < rank; a++) {
                float w = (float) r.nextGaussian();
                for (int i = 0; i < dim; i++) {
                    out[j][i] += w * axes[c][a][i];
                }
            }
        }
        return out;
    }

    static float[][] uniform(Random r, int n, int dim) {
        float[][] out = new float[n][dim];
        for (float[] v : out) {
            for (int i = 0; i < dim; i++) {
                v[i] = r.nextFloat() * 2 - 1;
            }
        }
        return out;
    }

    /** A copy prepared for the metric: unit length for cosine (as the store gives them). */
    static float[][] forMetric(float[][] data, Metric metric) {
        float[][] out = new float[data.length][];
        for (int i = 0; i < data.length; i++) {
            out[i] = data[i].clone();
            if (metric == Metric.COSINE) {
                normalize(out[i]);
            }
        }
        return out;
    }

    static void normalize(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        float inv = (float) (1 / Math.sqrt(s));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
    }

    /** The exact score of {@code metric} (higher is more similar), computed independently of the index's kernels. */
    static float score(Metric metric, float[] a, float[] b) {
        double s = 0;
        switch (metric) {
            case L2 -> {
                for (int i = 0; i < a.length; i++) {
                    double d = a[i] - b[i];
                    s += d * d;
                }
                return (float) -Math.sqrt(s);
            }
            case MANHATTAN -> {
                for (int i = 0; i < a.length; i++) {
                    s += Math.abs((double) a[i] - b[i]);
                }
                return (float) -s;
            }
            case HAMMING -> {
                int n = 0;
                for (int i = 0; i < a.length; i++) {
                    n += a[i] != b[i] ? 1 : 0;
                }
                return -n;
            }
            case JACCARD -> {
                double min = 0;
                double max = 0;
                for (int i = 0; i < a.length; i++) {
                    min += Math.min(a[i], b[i]);
                    max += Math.max(a[i], b[i]);
                }
                return max > 0 ? (float) (min / max) : 0f;
            }
            default -> {
                for (int i = 0; i < a.length; i++) {
                    s += (double) a[i] * b[i];
                }
                return (float) s;
            }
        }
    }

    /**
     * Recall that counts ties: a returned ordinal is a hit when its exact score reaches the k-th best true score
     * (hamming distances are integers, so many vectors tie at the k-th distance).
     */
    static double tieAwareRecall(float[][] data, Metric metric, float[] q, int[] truth, ScoredOrdinals found) {
        if (truth.length == 0) {
            return 1.0;
        }
        float kth = score(metric, q, data[truth[truth.length - 1]]);
        float eps = 1e-5f * Math.max(1f, Math.abs(kth));
        int hits = 0;
        for (int i = 0; i < Math.min(truth.length, found.size()); i++) {
            if (score(metric, q, data[found.ordinals()[i]]) >= kth - eps) {
                hits++;
            }
        }
        return hits / (double) truth.length;
    }

    /**
     * Binary vectors (components 0 or 1) around {@code clusters} random prototypes, each bit flipped with
     * probability {@code flip}.
     */
    static float[][] binaryClustered(Random r, int n, int dim, int clusters, double flip) {
        Random shape = new Random(54321); // the same prototypes for data and queries
        boolean[][] protos = new boolean[clusters][dim];
        for (boolean[] p : protos) {
            for (int i = 0; i < dim; i++) {
                p[i] = shape.nextDouble() < 0.3;
            }
        }
        float[][] out = new float[n][dim];
        for (int j = 0; j < n; j++) {
            boolean[] p = protos[r.nextInt(clusters)];
            for (int i = 0; i < dim; i++) {
                out[j][i] = (p[i] ^ (r.nextDouble() < flip)) ? 1f : 0f;
            }
        }
        return out;
    }

    /** Non-negative vectors: the absolute values of {@link #clustered}. */
    static float[][] nonNegativeClustered(Random r, int n, int dim, int clusters) {
        float[][] out = clustered(r, n, dim, clusters);
        for (float[] v : out) {
            for (int i = 0; i < dim; i++) {
                v[i] = Math.abs(v[i]);
            }
        }
        return out;
    }

    /** The true top {@code k} among the ordinals {@code accept} passes. */
    static int[] bruteForce(float[][] data, Metric metric, float[] q, int k, IntPredicate accept) {
        int n = 0;
        int[] ids = new int[data.length];
        float[] scores = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            if (accept == null || accept.test(i)) {
                ids[n] = i;
                scores[n++] = score(metric, q, data[i]);
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Float.compare(scores[y], scores[x]));
        int[] out = new int[Math.min(k, n)];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids[order[i]];
        }
        return out;
    }

    /** The fraction of the true neighbours found. */
    static double recall(int[] truth, ScoredOrdinals found) {
        if (truth.length == 0) {
            return 1.0;
        }
        int hits = 0;
        for (int t : truth) {
            for (int o : found.ordinals()) {
                if (o == t) {
                    hits++;
                    break;
                }
            }
        }
        return hits / (double) truth.length;
    }

    static IndexContext context(Metric metric, ArraySource source, Map<String, Object> params, Path dir) {
        return new IndexContext("test", metric, new IndexSpec("hnsw", params), source, dir);
    }

    static HnswIndex build(Metric metric, float[][] data, Map<String, Object> params, Path dir) {
        HnswIndex index = (HnswIndex) new HnswIndexFactory()
                .open(context(metric, new ArraySource(data), new HnswIndexFactory().validateBuildParams(params), dir));
        for (int i = 0; i < data.length; i++) {
            index.add(i, data[i]);
        }
        return index;
    }

    /** Mean recall@k of {@code queries} searches against brute force over {@code accept}. */
    static double meanRecall(
            HnswIndex index,
            float[][] data,
            Metric metric,
            float[][] queries,
            int k,
            OrdinalFilter filter,
            IntPredicate accept,
            Map<String, Object> params) {
        double sum = 0;
        for (float[] q : queries) {
            sum += recall(bruteForce(data, metric, q, k, accept), index.search(q, k, filter, params));
        }
        return sum / queries.length;
    }
}
