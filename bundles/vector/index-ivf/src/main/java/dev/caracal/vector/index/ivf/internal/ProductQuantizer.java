package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.math.VectorMath;
import java.util.function.BooleanSupplier;

/**
 * Product quantization with 8-bit codes: the vector is cut into {@code m} sub-vectors of {@code dsub} floats, each
 * coded as the index (0..255) of the nearest of 256 centroids trained for that sub-space. Distances to a query are
 * asymmetric: the query stays in floats and a table of its inner products with every codeword is computed once per
 * query ({@link #dotTable}).
 *
 * <p>The codewords are held sub-space major, then component, then codeword ({@code [m][dsub][256]}), so that table
 * and encoding loops run over 256 contiguous floats (which the JIT vectorizes).
 */
final class ProductQuantizer {
    static final int KSUB = 256;
    final int dim;
    final int m;
    final int dsub;
    /** [m][dsub][256]: component d of codeword c of sub-space s at {@code (s*dsub + d)*256 + c}. */
    final float[] codewords;

    private ProductQuantizer(int dim, int m, float[] codewords) {
        if (m <= 0 || dim % m != 0 || codewords.length != dim * KSUB) {
            throw new IllegalArgumentException(
                    "codewords of " + codewords.length + " floats for dim " + dim + ", m " + m);
        }
        this.dim = dim;
        this.m = m;
        this.dsub = dim / m;
        this.codewords = codewords;
    }

    /** From codewords laid out {@code [m][dsub][256]} (as {@link #codewords}, e.g. reloaded). */
    static ProductQuantizer ofCodewords(int dim, int m, float[] codewords) {
        return new ProductQuantizer(dim, m, codewords);
    }

    static ProductQuantizer train(
            float[] vectors,
            int n,
            int dim,
            int m,
            int iterations,
            long seed,
            VectorMath kernels,
            BooleanSupplier cancelled) {
        int dsub = dim / m;
        float[] codewords = new float[dim * KSUB];
        float[] sub = new float[n * dsub];
        for (int s = 0; s < m; s++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(vectors, i * dim + s * dsub, sub, i * dsub, dsub);
            }
            float[] c = KMeans.train(sub, n, dsub, KSUB, iterations, seed + 31L * s, kernels, cancelled);
            for (int k = 0; k < KSUB; k++) {
                for (int d = 0; d < dsub; d++) {
                    codewords[(s * dsub + d) * KSUB + k] = c[k * dsub + d];
                }
            }
        }
        return new ProductQuantizer(dim, m, codewords);
    }

    /** Codes the vector at {@code v[off..off+dim)} into {@code out[outOff..outOff+m)}. */
    void encode(float[] v, int off, byte[] out, int outOff) {
        float[] dist = new float[KSUB];
        for (int s = 0; s < m; s++) {
            java.util.Arrays.fill(dist, 0f);
            for (int d = 0; d < dsub; d++) {
                float x = v[off + s * dsub + d];
                int row = (s * dsub + d) * KSUB;
                for (int c = 0; c < KSUB; c++) {
                    float diff = x - codewords[row + c];
                    dist[c] += diff * diff;
                }
            }
            int best = 0;
            for (int c = 1; c < KSUB; c++) {
                if (dist[c] < dist[best]) {
                    best = c;
                }
            }
            out[outOff + s] = (byte) best;
        }
    }

    /**
     * table[s*256+c] = scale * dot(query sub-vector s, codeword c of sub-space s): the asymmetric lookup table of a
     * query, computed once per query. With it the inner product of the query with a coded residual is the sum of m
     * table entries, and (scale 2) so is the query-dependent part of the squared distance to a coded vector:
     * {@code |q - c - r|^2 = |q - c|^2 + (|r|^2 + 2<c, r>) - 2<q, r>}, the middle term stored per entry
     * ({@link #residualTerm}).
     */
    void dotTable(float[] query, float[] table, float scale) {
        for (int s = 0; s < m; s++) {
            int t0 = s * KSUB;
            java.util.Arrays.fill(table, t0, t0 + KSUB, 0f);
            for (int d = 0; d < dsub; d++) {
                float q = scale * query[s * dsub + d];
                int row = (s * dsub + d) * KSUB;
                for (int c = 0; c < KSUB; c++) {
                    table[t0 + c] += q * codewords[row + c];
                }
            }
        }
    }

    /** |r|^2 + 2<c, r> for the residual r coded at {@code code[off..off+m)} and the centroid at {@code centroids[cOff..]}. */
    float residualTerm(byte[] code, int off, float[] centroids, int cOff) {
        float sum = 0;
        for (int s = 0; s < m; s++) {
            int c = code[off + s] & 0xff;
            int c0 = cOff + s * dsub;
            for (int d = 0; d < dsub; d++) {
                float r = codewords[(s * dsub + d) * KSUB + c];
                sum += r * r + 2 * centroids[c0 + d] * r;
            }
        }
        return sum;
    }

    long memoryBytes() {
        return 16L + 4L * codewords.length;
    }
}
