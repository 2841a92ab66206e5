package dev.caracal.vector.index.hnsw.internal;

/** Distance kernels over slices of float arrays (vectors live in pages, addressed by offset). */
interface VectorMath {
    float dot(float[] a, int aOffset, float[] b, int bOffset, int length);

    float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** The sum of absolute differences (L1). */
    float manhattan(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** How many components differ ({@code a[i] != b[i]}). */
    float hamming(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** The weighted Jaccard similarity sum(min)/sum(max), 0 when sum(max) is 0 (both all zeros). */
    float jaccard(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** The dot product of floats with signed bytes ({@code sum a[i] * b[i]}), for int8 codes. */
    float dotBytes(float[] a, int aOffset, byte[] b, int bOffset, int length);

    String name();
}
