package dev.caracal.vector.index.ivf.internal;

/** The distance kernels the index needs, on slices of float arrays. */
interface VectorKernels {
    float dot(float[] a, int aOffset, float[] b, int bOffset, int length);

    float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** The sum of absolute differences (L1 distance). */
    float manhattan(float[] a, int aOffset, float[] b, int bOffset, int length);

    String name();
}
