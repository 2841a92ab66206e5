package dev.caracal.vector.math;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Distance and similarity kernels over slices of float arrays (vectors live in large pages, so every kernel takes
 * offsets). Two implementations: SIMD kernels on the incubating Vector API and scalar ones for when that module is
 * absent at runtime; {@link #get()} picks one once per JVM (per class loader) and logs which.
 * {@code -Dcaracal.vector.simd=false} forces the scalar kernels.
 *
 * <p>Callers obtain the instance once (a field) and call through it in their loops.
 */
@ProviderType
public interface VectorMath {

    /** The dot product of {@code a[aOffset..aOffset+length)} and {@code b[bOffset..bOffset+length)}. */
    float dot(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** The squared Euclidean distance of the two slices. */
    float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** The sum of absolute differences (L1) of the two slices; for 0/1 vectors, their Hamming distance. */
    float manhattan(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** How many components differ ({@code a[i] != b[i]}). */
    float hamming(float[] a, int aOffset, float[] b, int bOffset, int length);

    /**
     * The weighted Jaccard similarity of two non-negative slices, {@code sum(min) / sum(max)}; 0 when
     * {@code sum(max)} is not positive (both all zeros).
     */
    float jaccard(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** {@code sum a[aOffset + i] * b[bOffset + i]} over {@code length} components: floats against int8 codes. */
    float dotInt8(float[] a, int aOffset, byte[] b, int bOffset, int length);

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
