package dev.caracal.vector.store.internal;

/**
 * The similarity kernels of the exact scan, over slices of float arrays (vectors live in large pages, so every
 * kernel takes an offset). Two implementations: {@link SimdVectorMath} with the incubating Vector API, and
 * {@link ScalarVectorMath} when that module is absent at runtime; {@link #get()} picks one once.
 */
interface VectorMath {

    /** The dot product of {@code a[aOffset..aOffset+length)} and {@code b[bOffset..bOffset+length)}. */
    float dot(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** The squared Euclidean distance of the two slices. */
    float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** The sum of absolute differences (L1) of the two slices; for 0/1 vectors, their Hamming distance. */
    float manhattan(float[] a, int aOffset, float[] b, int bOffset, int length);

    /**
     * The weighted Jaccard similarity of two non-negative slices, {@code sum(min) / sum(max)}; 0 when both are all
     * zeros.
     */
    float jaccard(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** {@code sum q[i] * codes[offset + i]} over {@code length} components: a float query against int8 codes. */
    float dotInt8(float[] q, byte[] codes, int offset, int length);

    /** A short name for logs and benchmarks: {@code simd(512 bit)} or {@code scalar}. */
    String name();

    /** The implementation this JVM supports: SIMD when {@code jdk.incubator.vector} is loadable, scalar otherwise. */
    static VectorMath get() {
        return VectorMathHolder.INSTANCE;
    }

    /** The scalar implementation, always available. */
    static VectorMath scalar() {
        return ScalarVectorMath.INSTANCE;
    }
}
