package dev.caracal.vector.math;

/** Run by {@link VectorMathTest} in a fresh JVM: prints the kernels in use and one result of each kind. */
public final class FallbackMain {
    public static void main(String[] args) {
        VectorMath m = VectorMath.get();
        float[] a = {1, 2, 3, 4, 5};
        float[] b = {5, 4, 3, 2, 1};
        System.out.println(m.name() + " dot=" + m.dot(a, 0, b, 0, 5) + " l2=" + m.squareDistance(a, 0, b, 0, 5)
                + " int8=" + m.dotInt8(a, 1, new byte[] {-1, 2, -3}, 0, 3));
    }
}
