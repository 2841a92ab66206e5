package dev.caracal.vector.math;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernels once: SIMD when {@code jdk.incubator.vector} can be loaded (and agrees with the scalar code on a
 * probe), scalar otherwise; logs the choice once. {@code -Dcaracal.vector.simd=false} forces scalar code.
 */
final class VectorMathHolder {
    private static final Logger LOG = LoggerFactory.getLogger(VectorMathHolder.class);
    static final VectorMath INSTANCE = detect();

    private VectorMathHolder() {}

    /** The SIMD kernels, or {@code null} when the Vector API cannot be loaded here. */
    static VectorMath simdOrNull() {
        try {
            // Loading FloatVector fails with NoClassDefFoundError/ClassNotFoundException when the incubator module
            // is not in the boot layer or (in OSGi) the optional import is not wired.
            Class.forName("jdk.incubator.vector.FloatVector", false, VectorMathHolder.class.getClassLoader());
            return (VectorMath) Class.forName(VectorMathHolder.class.getPackageName() + ".SimdVectorMath")
                    .getDeclaredConstructor()
                    .newInstance();
        } catch (Throwable t) {
            LOG.debug("the Vector API is not available", t);
            return null;
        }
    }

    private static VectorMath detect() {
        if (!Boolean.parseBoolean(System.getProperty("caracal.vector.simd", "true"))) {
            LOG.info("Vector kernels: scalar code (caracal.vector.simd=false)");
            return ScalarVectorMath.INSTANCE;
        }
        VectorMath simd = simdOrNull();
        if (simd == null) {
            LOG.info("Vector kernels: scalar code; the jdk.incubator.vector module is not available (start the JVM "
                    + "with --add-modules jdk.incubator.vector for SIMD)");
            return ScalarVectorMath.INSTANCE;
        }
        if (!agrees(simd)) {
            LOG.warn("Vector kernels: SIMD kernels disagree with scalar ones; using scalar code");
            return ScalarVectorMath.INSTANCE;
        }
        LOG.info("Vector kernels: SIMD ({})", simd.name());
        return simd;
    }

    /** Small integer inputs, so both implementations compute exactly and must agree to the bit. */
    static boolean agrees(VectorMath simd) {
        float[] a = new float[71];
        float[] b = new float[71];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) - 3;
            b[i] = (i % 5) - 2;
        }
        byte[] c = new byte[71];
        for (int i = 0; i < c.length; i++) {
            c[i] = (byte) ((i % 11) - 5);
        }
        VectorMath s = ScalarVectorMath.INSTANCE;
        return simd.dot(a, 1, b, 2, 67) == s.dot(a, 1, b, 2, 67)
                && simd.squareDistance(a, 0, b, 3, 65) == s.squareDistance(a, 0, b, 3, 65)
                && simd.manhattan(a, 2, b, 1, 66) == s.manhattan(a, 2, b, 1, 66)
                && simd.hamming(a, 0, b, 0, 71) == s.hamming(a, 0, b, 0, 71)
                && Math.abs(simd.jaccard(a, 1, b, 1, 69) - s.jaccard(a, 1, b, 1, 69)) < 1e-5f
                && simd.dotInt8(a, 3, c, 1, 67) == s.dotInt8(a, 3, c, 1, 67);
    }
}
