package dev.caracal.vector.index.ivf.internal;

/** The two distance kernels the index needs, on slices of float arrays. */
interface VectorKernels {
    float dot(float[] a, int aOffset, float[] b, int bOffset, int length);

    float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length);

    String name();
}
