package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.index.VectorSource;
import dev.caracal.vector.math.VectorMath;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Builds a trained {@link IvfLayout} from the vectors of the {@link VectorSource}: k-means on a random sample gives
 * the centroids (nlist from the build parameters, or chosen from the size), ivf-pq then trains its product quantizer
 * on the sample's residuals, and every vector is assigned to its nearest centroid and filled into exactly sized
 * lists, in parallel. A vector the source can no longer read (removed meanwhile) is left out.
 */
final class IvfLayoutBuilder {
    private final VectorSource source;
    private final int dim;
    private final int pqM;
    private final boolean usePq;
    private final boolean l2;
    private final IvfParams.Build build;
    private final IvfSettings settings;
    private final VectorMath kernels;

    IvfLayoutBuilder(
            VectorSource source,
            IvfScoring scoring,
            int dim,
            int pqM,
            IvfParams.Build build,
            IvfSettings settings,
            VectorMath kernels) {
        this.source = source;
        this.dim = dim;
        this.pqM = pqM;
        this.usePq = pqM > 0;
        this.l2 = scoring == IvfScoring.L2;
        this.build = build;
        this.settings = settings;
        this.kernels = kernels;
    }

    /**
     * A layout trained on and holding the vectors of {@code ordinals}; gives up with a
     * {@link CancellationException} once {@code cancelled} says so.
     */
    IvfLayout build(int[] ordinals, BooleanSupplier cancelled) {
        int n = ordinals.length;
        int nlist = Math.min(n, build.nlist() > 0 ? build.nlist() : IvfParams.autoNlist(n));
        SplittableRandom random = new SplittableRandom(settings.seed());
        int sampleSize = (int) Math.min(n, Math.max(40L * nlist, 10_000L));
        int[] pick = ordinals.clone();
        for (int i = 0; i < sampleSize; i++) {
            int j = i + random.nextInt(n - i);
            int t = pick[i];
            pick[i] = pick[j];
            pick[j] = t;
        }
        float[] sample = new float[sampleSize * dim];
        float[] buf = new float[dim];
        int s = 0;
        for (int i = 0; i < sampleSize; i++) {
            if (readVector(source, pick[i], buf)) {
                System.arraycopy(buf, 0, sample, s * dim, dim);
                s++;
            }
        }
        if (s == 0) {
            throw new IllegalStateException("no vector could be read for training");
        }
        nlist = Math.min(nlist, s);
        float[] centroids =
                KMeans.train(sample, s, dim, nlist, settings.iterations(), settings.seed(), kernels, cancelled);
        int[] assignment = new int[s];
        Arrays.fill(assignment, -1);
        float[] dist = new float[s];
        KMeans.assign(sample, s, dim, centroids, nlist, kernels, assignment, dist);
        double sum = 0;
        for (int i = 0; i < s; i++) {
            sum += Math.sqrt(dist[i]);
        }
        double trainMean = sum / s;
        ProductQuantizer pq = null;
        if (usePq) {
            for (int i = 0; i < s; i++) {
                int c = assignment[i] * dim;
                for (int d = 0; d < dim; d++) {
                    sample[i * dim + d] -= centroids[c + d];
                }
            }
            pq = ProductQuantizer.train(
                    sample, s, dim, pqM, settings.iterations(), settings.seed(), kernels, cancelled);
        }
        // assign every vector, then fill exactly sized lists
        int[] listOf = new int[n];
        int chunk = 512;
        IntStream.range(0, (n + chunk - 1) / chunk).parallel().forEach(ch -> {
            float[] v = new float[dim];
            for (int i = ch * chunk, end = Math.min(n, i + chunk); i < end; i++) {
                listOf[i] = readVector(source, ordinals[i], v)
                        ? KMeans.nearest(v, 0, centroids, centroids.length / dim, dim, kernels, null)
                        : -1;
            }
        });
        int[] counts = new int[nlist];
        for (int l : listOf) {
            if (l >= 0) {
                counts[l]++;
            }
        }
        InvertedList[] lists = new InvertedList[nlist];
        for (int l = 0; l < nlist; l++) {
            lists[l] = new InvertedList(usePq ? pqM : dim, !usePq, usePq && l2, counts[l]);
        }
        IvfLayout fresh = new IvfLayout(dim, centroids, nlist, lists, pq, false, l2, trainMean, n);
        IntStream.range(0, (n + chunk - 1) / chunk).parallel().forEach(ch -> {
            float[] v = new float[dim];
            for (int i = ch * chunk, end = Math.min(n, i + chunk); i < end; i++) {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("closed");
                }
                if (listOf[i] >= 0 && readVector(source, ordinals[i], v)) {
                    fresh.insertAssigned(ordinals[i], listOf[i], v, fresh.encode(v, listOf[i]));
                }
            }
        });
        return fresh;
    }

    /** Copies the vector of {@code ordinal} into {@code target}; false when the source cannot read it (removed). */
    static boolean readVector(VectorSource source, int ordinal, float[] target) {
        try {
            source.copyVector(ordinal, target);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
