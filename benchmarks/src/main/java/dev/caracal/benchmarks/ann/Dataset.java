package dev.caracal.benchmarks.ann;

import dev.caracal.vector.Metric;

/**
 * One data set of the benchmark: base and query vectors and the metric every contender is asked to use.
 *
 * @param id          short name used in file names and {@code --data} ({@code fashion-mnist}, {@code cacm})
 * @param title       name in the report and the plot
 * @param metric      {@link Metric#L2} or {@link Metric#COSINE} (cosine data is stored at unit length)
 * @param description one markdown bullet describing where the vectors come from
 */
record Dataset(String id, String title, Metric metric, float[][] base, float[][] queries, String description) {
    boolean cosine() {
        return metric == Metric.COSINE;
    }

    int dim() {
        return base[0].length;
    }

    /** The distance ground truth and recall use: squared L2, or 1 - dot for cosine (unit vectors). */
    float distance(float[] a, float[] b) {
        if (cosine()) {
            float s = 0;
            for (int i = 0; i < a.length; i++) {
                s += a[i] * b[i];
            }
            return 1 - s;
        }
        return AnnBenchmark.l2(a, b);
    }

    /** Scales every vector to unit length in place (double accumulation). */
    static float[][] normalize(float[][] vs) {
        for (float[] v : vs) {
            double s = 0;
            for (float x : v) {
                s += (double) x * x;
            }
            double inv = s == 0 ? 0 : 1 / Math.sqrt(s);
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] * inv);
            }
        }
        return vs;
    }
}
