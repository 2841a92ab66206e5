package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.math.VectorMath;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Euclidean k-means: k-means++ seeding (on a sub-sample of at most max(4k, 4096) points) followed by Lloyd
 * iterations. Deterministic for a given seed, input and k (the assignment step runs in parallel but each point is
 * independent; sums are accumulated sequentially). Empty clusters are re-seeded with the point farthest from its
 * centroid.
 */
final class KMeans {
    private KMeans() {}

    /**
     * Trains {@code k} centroids over {@code n} points of {@code dim} floats stored contiguously in {@code data}.
     * Returns {@code k*dim} floats; when {@code n < k} the missing centroids repeat existing ones.
     */
    static float[] train(
            float[] data,
            int n,
            int dim,
            int k,
            int iterations,
            long seed,
            VectorMath kernels,
            BooleanSupplier cancelled) {
        if (n <= 0) {
            throw new IllegalArgumentException("no points to train on");
        }
        float[] centroids = new float[k * dim];
        int distinct = Math.min(k, n);
        SplittableRandom random = new SplittableRandom(seed);
        seedPlusPlus(data, n, dim, distinct, centroids, random, kernels);
        int[] assignment = new int[n];
        float[] dist = new float[n];
        java.util.Arrays.fill(assignment, -1);
        for (int iter = 0; iter < iterations; iter++) {
            if (cancelled.getAsBoolean()) {
                throw new java.util.concurrent.CancellationException("training cancelled");
            }
            int changed = assign(data, n, dim, centroids, distinct, kernels, assignment, dist);
            if (changed == 0 && iter > 0) {
                break;
            }
            double[] sums = new double[distinct * dim];
            int[] counts = new int[distinct];
            for (int i = 0; i < n; i++) {
                int c = assignment[i];
                counts[c]++;
                int base = c * dim;
                int off = i * dim;
                for (int d = 0; d < dim; d++) {
                    sums[base + d] += data[off + d];
                }
            }
            for (int c = 0; c < distinct; c++) {
                if (counts[c] == 0) {
                    // re-seed an empty cluster with the point farthest from its centroid
                    int far = 0;
                    for (int i = 1; i < n; i++) {
                        if (dist[i] > dist[far]) {
                            far = i;
                        }
                    }
                    System.arraycopy(data, far * dim, centroids, c * dim, dim);
                    dist[far] = 0;
                    continue;
                }
                for (int d = 0; d < dim; d++) {
                    centroids[c * dim + d] = (float) (sums[c * dim + d] / counts[c]);
                }
            }
        }
        for (int c = distinct; c < k; c++) {
            System.arraycopy(centroids, (c % distinct) * dim, centroids, c * dim, dim);
        }
        return centroids;
    }

    private static void seedPlusPlus(
            float[] data, int n, int dim, int k, float[] centroids, SplittableRandom random, VectorMath kernels) {
        int m = Math.min(n, Math.max(4 * k, 4096));
        int[] pool = new int[m];
        if (m == n) {
            for (int i = 0; i < n; i++) {
                pool[i] = i;
            }
        } else {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            for (int i = 0; i < m; i++) {
                int j = i + random.nextInt(n - i);
                int t = all[i];
                all[i] = all[j];
                all[j] = t;
                pool[i] = all[i];
            }
        }
        float[] d2 = new float[m];
        int first = pool[random.nextInt(m)];
        System.arraycopy(data, first * dim, centroids, 0, dim);
        double total = 0;
        for (int i = 0; i < m; i++) {
            d2[i] = kernels.squareDistance(data, pool[i] * dim, centroids, 0, dim);
            total += d2[i];
        }
        for (int c = 1; c < k; c++) {
            int chosen;
            if (total <= 0) {
                chosen = pool[random.nextInt(m)];
            } else {
                double r = random.nextDouble() * total;
                int i = 0;
                for (; i < m - 1; i++) {
                    r -= d2[i];
                    if (r <= 0) {
                        break;
                    }
                }
                chosen = pool[i];
            }
            System.arraycopy(data, chosen * dim, centroids, c * dim, dim);
            total = 0;
            for (int i = 0; i < m; i++) {
                float d = kernels.squareDistance(data, pool[i] * dim, centroids, c * dim, dim);
                if (d < d2[i]) {
                    d2[i] = d;
                }
                total += d2[i];
            }
        }
    }

    /** Assigns every point to its nearest centroid (in parallel); returns how many assignments changed. */
    static int assign(
            float[] data,
            int n,
            int dim,
            float[] centroids,
            int k,
            VectorMath kernels,
            int[] assignment,
            float[] dist) {
        int chunk = 256;
        int chunks = (n + chunk - 1) / chunk;
        return IntStream.range(0, chunks)
                .parallel()
                .map(ch -> {
                    int changed = 0;
                    int end = Math.min(n, (ch + 1) * chunk);
                    for (int i = ch * chunk; i < end; i++) {
                        int best = 0;
                        float bestD = Float.POSITIVE_INFINITY;
                        for (int c = 0; c < k; c++) {
                            float d = kernels.squareDistance(data, i * dim, centroids, c * dim, dim);
                            if (d < bestD) {
                                bestD = d;
                                best = c;
                            }
                        }
                        if (assignment[i] != best) {
                            assignment[i] = best;
                            changed++;
                        }
                        dist[i] = bestD;
                    }
                    return changed;
                })
                .sum();
    }

    /** The nearest of {@code k} centroids to {@code v} (offset {@code off}); squared distance in {@code out[0]}. */
    static int nearest(float[] v, int off, float[] centroids, int k, int dim, VectorMath kernels, float[] out) {
        return nearest(v, off, centroids, k, dim, kernels, out, 0);
    }

    /** As above with the centroids starting at {@code base} in their array. */
    static int nearest(
            float[] v, int off, float[] centroids, int k, int dim, VectorMath kernels, float[] out, int base) {
        int best = 0;
        float bestD = Float.POSITIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            float d = kernels.squareDistance(v, off, centroids, base + c * dim, dim);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        if (out != null) {
            out[0] = bestD;
        }
        return best;
    }
}
