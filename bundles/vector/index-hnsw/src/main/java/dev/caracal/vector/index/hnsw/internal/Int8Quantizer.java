package dev.caracal.vector.index.hnsw.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Per-dimension scalar quantization to signed bytes. Each dimension {@code d} maps the range {@code [lo_d, hi_d]} (the
 * 0.1% and 99.9% quantiles of a training sample, so that a few outliers do not stretch the scale) linearly onto 256
 * levels; values outside are clamped. A code {@code k} (-128..127) decodes to {@code offset_d + scale_d * k} with
 * {@code offset_d = lo_d + 128 * scale_d}.
 *
 * <p>Comparisons never decode a whole vector: a float query {@code q} is prepared once as {@code q * scale} and the
 * constant {@code q . offset}, after which {@code q . decode(k) = constant + sum (q * scale)_d k_d} is a float-by-byte
 * dot product; Euclidean distances use the norms of the decoded vectors. Immutable.
 */
final class Int8Quantizer {
    /** Quantiles of the range that maps onto the codes (the tails are clamped). */
    static final double LOW_QUANTILE = 0.001;

    static final double HIGH_QUANTILE = 0.999;

    final int dim;
    /** How many vectors the quantizer was trained on. */
    final int trainedOn;

    final float[] lo;
    final float[] scale;
    final float[] offset;
    /** {@code offset * scale} and {@code scale * scale} per dimension, and {@code offset . offset}. */
    final float[] offsetScale;

    final float[] scaleSquared;
    final float offsetNorm;

    private Int8Quantizer(int trainedOn, float[] lo, float[] scale) {
        this.dim = lo.length;
        this.trainedOn = trainedOn;
        this.lo = lo;
        this.scale = scale;
        this.offset = new float[dim];
        this.offsetScale = new float[dim];
        this.scaleSquared = new float[dim];
        double on = 0;
        for (int d = 0; d < dim; d++) {
            offset[d] = lo[d] + 128f * scale[d];
            offsetScale[d] = offset[d] * scale[d];
            scaleSquared[d] = scale[d] * scale[d];
            on += (double) offset[d] * offset[d];
        }
        this.offsetNorm = (float) on;
    }

    /** Trains on the first {@code count} vectors of {@code sample} (at least one). */
    static Int8Quantizer train(float[][] sample, int count, int dim) {
        if (count <= 0) {
            throw new IllegalArgumentException("int8 training needs at least one vector");
        }
        float[] lo = new float[dim];
        float[] scale = new float[dim];
        float[] column = new float[count];
        int low = (int) Math.floor(LOW_QUANTILE * (count - 1));
        int high = (int) Math.ceil(HIGH_QUANTILE * (count - 1));
        for (int d = 0; d < dim; d++) {
            for (int i = 0; i < count; i++) {
                column[i] = sample[i][d];
            }
            Arrays.sort(column);
            float l = column[low];
            float h = column[high];
            if (!Float.isFinite(l) || !Float.isFinite(h)) {
                l = 0;
                h = 0;
            }
            // a constant dimension still needs a positive step (its value decodes exactly: code -128)
            float step = (h - l) / 255f;
            float minStep = 1e-7f * Math.max(1f, Math.max(Math.abs(l), Math.abs(h)));
            lo[d] = l;
            scale[d] = Math.max(step, minStep);
        }
        return new Int8Quantizer(count, lo, scale);
    }

    /** Encodes {@code x} into {@code codes} from {@code off}; returns the squared norm of the decoded vector. */
    float encode(float[] x, byte[] codes, int off) {
        double norm = 0;
        for (int d = 0; d < dim; d++) {
            float level = Math.round((x[d] - lo[d]) / scale[d]);
            int k = (int) Math.max(0f, Math.min(255f, Float.isNaN(level) ? 0f : level)) - 128;
            codes[off + d] = (byte) k;
            float decoded = offset[d] + scale[d] * k;
            norm += (double) decoded * decoded;
        }
        return (float) norm;
    }

    /** Decodes the codes at {@code off} into {@code out}. */
    void decode(byte[] codes, int off, float[] out) {
        for (int d = 0; d < dim; d++) {
            out[d] = offset[d] + scale[d] * codes[off + d];
        }
    }

    /** The squared norm of the decoded codes at {@code off}. */
    float decodedNorm(byte[] codes, int off) {
        double norm = 0;
        for (int d = 0; d < dim; d++) {
            float decoded = offset[d] + scale[d] * codes[off + d];
            norm += (double) decoded * decoded;
        }
        return (float) norm;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(trainedOn);
        for (int d = 0; d < dim; d++) {
            out.writeFloat(lo[d]);
            out.writeFloat(scale[d]);
        }
    }

    static Int8Quantizer read(DataInputStream in, int dim) throws IOException {
        int trainedOn = in.readInt();
        if (trainedOn <= 0) {
            throw new IOException("corrupt int8 quantizer");
        }
        float[] lo = new float[dim];
        float[] scale = new float[dim];
        for (int d = 0; d < dim; d++) {
            lo[d] = in.readFloat();
            scale[d] = in.readFloat();
            if (!Float.isFinite(lo[d]) || !(scale[d] > 0) || !Float.isFinite(scale[d])) {
                throw new IOException("corrupt int8 quantizer (dimension " + d + ")");
            }
        }
        return new Int8Quantizer(trainedOn, lo, scale);
    }
}
