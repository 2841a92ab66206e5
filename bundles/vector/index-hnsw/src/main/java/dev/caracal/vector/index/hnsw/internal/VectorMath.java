package dev.caracal.vector.index.hnsw.internal;

/** Distance kernels over slices of float arrays (vectors live in pages, addressed by offset). */
interface VectorMath {
    float dot(float[] a, int aOffset, float[] b, int bOffset, int length);

    float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length);

    String name();
}
