package dev.caracal.vector.index.testkit;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorSource;
import java.util.Arrays;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * What an index should answer, computed independently of every index's kernels: exact scores in double precision,
 * brute-force top k, and recall against it.
 */
public final class GroundTruth {
    private GroundTruth() {}

    /** The exact score of {@code metric} (higher is more similar), as {@link Metric} defines it. */
    public static float score(Metric metric, float[] a, float[] b) {
        double s = 0;
        switch (metric) {
            case L2 -> {
                for (int i = 0; i < a.length; i++) {
                    double d = (double) a[i] - b[i];
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

    /** How far a returned score may be from the exact one: 1e-4 relative, at most 1e-3. */
    public static float tolerance(float expected) {
        return 1e-4f * Math.min(10f, Math.max(1f, Math.abs(expected)));
    }

    /** The exact top k among the live ordinals of {@code source} that {@code accept} passes ({@code null}: all). */
    public static int[] bruteForce(VectorSource source, Metric metric, float[] q, int k, IntPredicate accept) {
        int n = source.maxOrdinal();
        int[] ordinals = new int[n];
        float[] scores = new float[n];
        int count = 0;
        float[] v = new float[source.dimension()];
        for (int o = 0; o < n; o++) {
            if (source.isLive(o) && (accept == null || accept.test(o))) {
                source.copyVector(o, v);
                ordinals[count] = o;
                scores[count++] = score(metric, q, v);
            }
        }
        return best(ordinals, scores, count, k);
    }

    /** The exact top k among {@code data} (ordinal = row) that {@code accept} passes ({@code null}: all). */
    public static int[] bruteForce(float[][] data, Metric metric, float[] q, int k, IntPredicate accept) {
        int[] ordinals = new int[data.length];
        float[] scores = new float[data.length];
        int count = 0;
        for (int o = 0; o < data.length; o++) {
            if (accept == null || accept.test(o)) {
                ordinals[count] = o;
                scores[count++] = score(metric, q, data[o]);
            }
        }
        return best(ordinals, scores, count, k);
    }

    private static int[] best(int[] ordinals, float[] scores, int count, int k) {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Float.compare(scores[y], scores[x]));
        int[] out = new int[Math.min(k, count)];
        for (int i = 0; i < out.length; i++) {
            out[i] = ordinals[order[i]];
        }
        return out;
    }

    /** The fraction of the true neighbours found. */
    public static double recall(int[] truth, ScoredOrdinals found) {
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

    /**
     * Recall that counts ties: a returned ordinal is a hit when its exact score reaches the k-th best true score
     * (hamming distances are integers, so many vectors tie at the k-th distance).
     */
    public static double tieAwareRecall(float[][] data, Metric metric, float[] q, int[] truth, ScoredOrdinals found) {
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

    /** Mean recall@k of searching {@code queries} against brute force over the rows {@code accept} passes. */
    public static double meanRecall(
            VectorIndex index,
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
