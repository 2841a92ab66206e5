package dev.caracal.vector.index.ivf.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects once whether the Vector API can be used (the optional import wired and the incubator module in the boot
 * layer) and whether its kernels agree with the scalar ones. {@code -Dcaracal.vector.simd=false} forces scalar code.
 */
final class Kernels {
    private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);
    static final VectorKernels INSTANCE = detect();

    private Kernels() {
    }

    private static VectorKernels detect() {
        if (!Boolean.parseBoolean(System.getProperty("caracal.vector.simd", "true"))) {
            LOG.info("IVF indexes use scalar kernels (caracal.vector.simd=false)");
            return ScalarKernels.INSTANCE;
        }
        try {
            Class.forName("jdk.incubator.vector.FloatVector", false, Kernels.class.getClassLoader());
            VectorKernels simd = (VectorKernels) Class.forName(Kernels.class.getPackageName() + ".SimdKernels")
                    .getDeclaredConstructor().newInstance();
            if (agrees(simd)) {
                LOG.info("IVF indexes use SIMD kernels ({})", simd.name());
                return simd;
            }
            LOG.warn("SIMD kernels disagree with scalar ones; IVF indexes use scalar code");
        } catch (Throwable t) {
            LOG.info("IVF indexes use scalar kernels: jdk.incubator.vector is not available ({})", t.toString());
        }
        return ScalarKernels.INSTANCE;
    }

    private static boolean agrees(VectorKernels simd) {
        float[] a = new float[67];
        float[] b = new float[67];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) - 3;
            b[i] = (i % 5) - 2;
        }
        ScalarKernels s = ScalarKernels.INSTANCE;
        return simd.dot(a, 1, b, 2, 64) == s.dot(a, 1, b, 2, 64)
                && simd.squareDistance(a, 0, b, 3, 63) == s.squareDistance(a, 0, b, 3, 63)
                && simd.manhattan(a, 2, b, 0, 65) == s.manhattan(a, 2, b, 0, 65);
    }
}
