package dev.caracal.vector.index.ivf.internal;

import java.util.function.BooleanSupplier;

/**
 * Product quantization with 8-bit codes: the vector is cut into {@code m} sub-vectors of {@code dsub} floats, each
 * coded as the index (0..255) of the nearest of 256 centroids trained for that sub-space. Distances to a query are
 * asymmetric: the query stays in floats and a table of its sub-vector distances to every codeword is computed once.
 */
final class ProductQuantizer {
    static final int KSUB = 256;
    final int dim;
    final int m;
    final int dsub;
    /** [m][256][dsub] */
    final float[] codebooks;

    ProductQuantizer(int dim, int m, float[] codebooks) {
        this.dim = dim;
        this.m = m;
        this.dsub = dim / m;
        this.codebooks = codebooks;
    }

    static ProductQuantizer train(float[] vectors, int n, int dim, int m, int iterations, long seed,
                                  VectorKernels kernels, BooleanSupplier cancelled) {
        int dsub = dim / m;
        float[] codebooks = new float[m * KSUB * dsub];
        float[] sub = new float[n * dsub];
        for (int s = 0; s < m; s++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(vectors, i * dim + s * dsub, sub, i * dsub, dsub);
            }
            float[] c = KMeans.train(sub, n, dsub, KSUB, iterations, seed + 31L * s, kernels, cancelled);
            System.arraycopy(c, 0, codebooks, s * KSUB * dsub, KSUB * dsub);
        }
        return new ProductQuantizer(dim, m, codebooks);
    }

    /** Codes the vector at {@code v[off..off+dim)} into {@code out[outOff..outOff+m)}. */
    void encode(float[] v, int off, byte[] out, int outOff, VectorKernels kernels) {
        for (int s = 0; s < m; s++) {
            int best = KMeans.nearest(v, off + s * dsub, codebooks, KSUB, dsub, kernels, null, s * KSUB * dsub);
            out[outOff + s] = (byte) best;
        }
    }

    /** table[s*256+c] = dot(query sub-vector s, codeword c of sub-space s). */
    void dotTable(float[] query, float[] table, VectorKernels kernels) {
        for (int s = 0; s < m; s++) {
            int cb = s * KSUB * dsub;
            int q0 = s * dsub;
            for (int c = 0, off = cb; c < KSUB; c++, off += dsub) {
                float sum = 0;
                for (int d = 0; d < dsub; d++) {
                    sum += query[q0 + d] * codebooks[off + d];
                }
                table[s * KSUB + c] = sum;
            }
        }
    }

    /** table[s*256+c] = squared distance of the residual query's sub-vector s to codeword c. */
    void distanceTable(float[] residualQuery, float[] table, VectorKernels kernels) {
        for (int s = 0; s < m; s++) {
            int cb = s * KSUB * dsub;
            int q0 = s * dsub;
            for (int c = 0, off = cb; c < KSUB; c++, off += dsub) {
                float sum = 0; // sub-vectors are short: a plain loop beats a kernel call
                for (int d = 0; d < dsub; d++) {
                    float x = residualQuery[q0 + d] - codebooks[off + d];
                    sum += x * x;
                }
                table[s * KSUB + c] = sum;
            }
        }
    }

    long memoryBytes() {
        return 16L + 4L * codebooks.length;
    }
}
