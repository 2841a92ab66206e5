package dev.caracal.benchmarks.ann;

import dev.caracal.vector.Metric;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A generated clustered data set (L2), the same for a given size, dimension and seed on every machine: 1,024 cluster
 * centres with coordinates N(0, 1); each cluster has a weight (exponential, so sizes are uneven) and a spread drawn
 * uniformly from 0.25..1.0. A vector is a cluster drawn by weight, plus spread x P z where z is N(0, 1) in
 * {@value #LATENT} latent dimensions and P one fixed random projection into the full dimension, plus a little
 * isotropic noise (N(0, 0.1^2) per coordinate). The latent part keeps the intrinsic dimension low, as in real
 * embeddings; isotropic noise alone in 128 dimensions is the near-random case where no graph index reaches recall
 * 0.99 at a sensible ef. Queries are drawn the same way with other random streams, so they are new points of the same
 * distribution. Every vector has its own random stream (split from the seed by its index), so generation runs in
 * parallel and stays deterministic.
 */
final class ClusteredData {
    static final int CLUSTERS = 1024;
    static final int LATENT = 16;
    static final double NOISE = 0.1;

    private ClusteredData() {}

    static Dataset generate(int n, int nQueries, int dim, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        float[][] centres = new float[CLUSTERS][dim];
        double[] spread = new double[CLUSTERS];
        double[] cumulative = new double[CLUSTERS];
        double total = 0;
        for (int c = 0; c < CLUSTERS; c++) {
            for (int d = 0; d < dim; d++) {
                centres[c][d] = (float) gaussian(root);
            }
            spread[c] = 0.25 + 0.75 * root.nextDouble();
            total += -Math.log(1 - root.nextDouble());
            cumulative[c] = total;
        }
        for (int c = 0; c < CLUSTERS; c++) {
            cumulative[c] /= total;
        }
        float[][] projection = new float[dim][LATENT]; // unit-variance output per coordinate
        for (float[] row : projection) {
            for (int j = 0; j < LATENT; j++) {
                row[j] = (float) (gaussian(root) / Math.sqrt(LATENT));
            }
        }
        float[][] base = draw(n, dim, seed * 31 + 1, centres, spread, cumulative, projection);
        float[][] queries = draw(nQueries, dim, seed * 31 + 2, centres, spread, cumulative, projection);
        String description = String.format(
                Locale.ROOT,
                "- Data: generated clusters (`ClusteredData`, seed %d): %,d base vectors and %,d queries of %d dims, "
                        + "%,d Gaussian clusters (centres N(0,1), uneven exponential weights, spread 0.25..1.0 per "
                        + "cluster) in a %d-dimensional latent space projected to %d dims, plus N(0, %.1f^2) noise, L2.",
                seed,
                n,
                nQueries,
                dim,
                CLUSTERS,
                LATENT,
                dim,
                NOISE);
        return new Dataset(
                "clustered",
                String.format(Locale.ROOT, "Clustered %,d x %d, L2", n, dim),
                Metric.L2,
                base,
                queries,
                description);
    }

    private static float[][] draw(
            int n, int dim, long seed, float[][] centres, double[] spread, double[] cumulative, float[][] projection) {
        float[][] out = new float[n][];
        IntStream.range(0, n).parallel().forEach(i -> {
            SplittableRandom r = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (i + 1)));
            double u = r.nextDouble();
            int lo = 0;
            int hi = CLUSTERS - 1;
            while (lo < hi) { // the first cluster whose cumulative weight reaches u
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            double[] z = new double[LATENT];
            for (int j = 0; j < LATENT; j++) {
                z[j] = gaussian(r);
            }
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                double x = 0;
                for (int j = 0; j < LATENT; j++) {
                    x += projection[d][j] * z[j];
                }
                v[d] = (float) (centres[lo][d] + spread[lo] * x + NOISE * gaussian(r));
            }
            out[i] = v;
        });
        return out;
    }

    /** A standard normal draw (Box-Muller; one of the pair is dropped, which keeps each stream simple). */
    private static double gaussian(SplittableRandom r) {
        double u1 = 1 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
