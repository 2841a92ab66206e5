package dev.caracal.vector.store.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Detects once whether the Vector API can be used. Set {@code -Dcaracal.vector.simd=false} to force scalar code. */
final class VectorMathHolder {
    private static final Logger LOG = LoggerFactory.getLogger(VectorMathHolder.class);
    static final VectorMath INSTANCE = detect();

    private VectorMathHolder() {
    }

    private static VectorMath detect() {
        if (!Boolean.parseBoolean(System.getProperty("caracal.vector.simd", "true"))) {
            LOG.info("Vector search uses scalar code (caracal.vector.simd=false)");
            return ScalarVectorMath.INSTANCE;
        }
        try {
            // Loading FloatVector fails with NoClassDefFoundError/ClassNotFoundException when the incubator module
            // is not in the boot layer or (in OSGi) the optional import is not wired.
            Class.forName("jdk.incubator.vector.FloatVector", false, VectorMathHolder.class.getClassLoader());
            VectorMath simd = (VectorMath) Class.forName(VectorMathHolder.class.getPackageName() + ".SimdVectorMath")
                    .getDeclaredConstructor().newInstance();
            if (agrees(simd)) {
                LOG.info("Vector search uses SIMD ({})", simd.name());
                return simd;
            }
            LOG.warn("SIMD kernels disagree with scalar ones; vector search uses scalar code");
        } catch (Throwable t) {
            LOG.info("Vector search uses scalar code: the jdk.incubator.vector module is not available ({}); "
                    + "start the JVM with --add-modules jdk.incubator.vector for SIMD", t.toString());
        }
        return ScalarVectorMath.INSTANCE;
    }

    private static boolean agrees(VectorMath simd) {
        float[] a = new float[67];
        float[] b = new float[67];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) - 3;
            b[i] = (i % 5) - 2;
        }
        ScalarVectorMath s = ScalarVectorMath.INSTANCE;
        return simd.dot(a, 1, b, 2, 64) == s.dot(a, 1, b, 2, 64)
                && simd.squareDistance(a, 0, b, 3, 63) == s.squareDistance(a, 0, b, 3, 63);
    }
}
