package dev.caracal.vector.math;

/**
 * Plain Java kernels, used when the Vector API is not available (and by index types that work on a handful of
 * dimensions). Independent accumulators let the JIT pipeline the loads.
 */
final class ScalarVectorMath implements VectorMath {
    static final ScalarVectorMath INSTANCE = new ScalarVectorMath();

    private ScalarVectorMath() {}

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (int bound = length - 3; i < bound; i += 4) {
            s0 += a[aOffset + i] * b[bOffset + i];
            s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
            s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
            s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
        }
        for (; i < length; i++) {
            s0 += a[aOffset + i] * b[bOffset + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (int bound = length - 3; i < bound; i += 4) {
            float d0 = a[aOffset + i] - b[bOffset + i];
            float d1 = a[aOffset + i + 1] - b[bOffset + i + 1];
            float d2 = a[aOffset + i + 2] - b[bOffset + i + 2];
            float d3 = a[aOffset + i + 3] - b[bOffset + i + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < length; i++) {
            float d = a[aOffset + i] - b[bOffset + i];
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float manhattan(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (int bound = length - 3; i < bound; i += 4) {
            s0 += Math.abs(a[aOffset + i] - b[bOffset + i]);
            s1 += Math.abs(a[aOffset + i + 1] - b[bOffset + i + 1]);
            s2 += Math.abs(a[aOffset + i + 2] - b[bOffset + i + 2]);
            s3 += Math.abs(a[aOffset + i + 3] - b[bOffset + i + 3]);
        }
        for (; i < length; i++) {
            s0 += Math.abs(a[aOffset + i] - b[bOffset + i]);
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float hamming(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int n = 0;
        for (int i = 0; i < length; i++) {
            if (a[aOffset + i] != b[bOffset + i]) {
                n++;
            }
        }
        return n;
    }

    @Override
    public float jaccard(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float min0 = 0, min1 = 0, max0 = 0, max1 = 0;
        int i = 0;
        for (int bound = length - 1; i < bound; i += 2) {
            float x0 = a[aOffset + i], y0 = b[bOffset + i];
            float x1 = a[aOffset + i + 1], y1 = b[bOffset + i + 1];
            min0 += Math.min(x0, y0);
            max0 += Math.max(x0, y0);
            min1 += Math.min(x1, y1);
            max1 += Math.max(x1, y1);
        }
        for (; i < length; i++) {
            min0 += Math.min(a[aOffset + i], b[bOffset + i]);
            max0 += Math.max(a[aOffset + i], b[bOffset + i]);
        }
        float max = max0 + max1;
        return max > 0 ? (min0 + min1) / max : 0f;
    }

    @Override
    public float dotInt8(float[] a, int aOffset, byte[] b, int bOffset, int length) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (int bound = length - 3; i < bound; i += 4) {
            s0 += a[aOffset + i] * b[bOffset + i];
            s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
            s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
            s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
        }
        for (; i < length; i++) {
            s0 += a[aOffset + i] * b[bOffset + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public String name() {
        return "scalar";
    }
}
