package dev.caracal.vector.index.ivf.internal;

/** Plain Java kernels, four accumulators so the JIT can pipeline them. */
final class ScalarKernels implements VectorKernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

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
    public String name() {
        return "scalar";
    }
}
