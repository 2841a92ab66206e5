package dev.caracal.vector.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VectorMathTest {
    /** Lengths around every lane count (4, 8, 16 floats), odd tails, and long vectors. */
    private static final int[] LENGTHS = {
        0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 384, 385, 777
    };

    private static boolean moduleInBootLayer() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static List<VectorMath> implementations() {
        List<VectorMath> all = new ArrayList<>();
        all.add(VectorMath.scalar());
        VectorMath simd = VectorMathHolder.simdOrNull();
        if (simd != null) {
            all.add(simd);
        }
        return all;
    }

    @Test
    void simdIsDetectedWhenTheModuleIsPresent() {
        // Surefire runs with --add-modules jdk.incubator.vector
        assumeTrue(moduleInBootLayer());
        VectorMath simd = VectorMathHolder.simdOrNull();
        assertNotNull(simd);
        assertTrue(VectorMath.get().name().startsWith("simd"), VectorMath.get().name());
        assertEquals(simd.name(), VectorMath.get().name());
        assertEquals("scalar", VectorMath.scalar().name());
        assertTrue(VectorMathHolder.agrees(simd));
        assertTrue(VectorMathHolder.agrees(VectorMath.scalar()));
    }

    @Test
    void withoutTheModuleTheKernelsFallBackToScalarCode() throws Exception {
        String out = runFallbackMain();
        assertTrue(out.startsWith("scalar dot=35.0 l2=40.0 int8=-8.0"), out);
    }

    @Test
    void theSystemPropertyForcesScalarCode() throws Exception {
        assumeTrue(moduleInBootLayer());
        String out = runFallbackMain("--add-modules", "jdk.incubator.vector", "-Dcaracal.vector.simd=false");
        assertTrue(out.startsWith("scalar "), out);
        String simd = runFallbackMain("--add-modules", "jdk.incubator.vector");
        assertTrue(simd.startsWith("simd(") && simd.contains(" dot=35.0 l2=40.0 int8=-8.0"), simd);
    }

    private static String runFallbackMain(String... jvmArgs) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FallbackMain.class.getName()));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.trim();
    }

    @Test
    void smallIntegerInputsAreExactInEveryImplementation() {
        float[] a = {9, 1, 2, 3, 4, 5, 0, 1, 0};
        float[] b = {5, 4, 3, 2, 1, 1, 1, 0};
        byte[] c = {7, -1, 2, -3, 4};
        for (VectorMath m : implementations()) {
            String n = m.name();
            assertEquals(1 * 5 + 2 * 4 + 3 * 3 + 4 * 2 + 5 * 1, m.dot(a, 1, b, 0, 5), n);
            assertEquals(16 + 4 + 0 + 4 + 16, m.squareDistance(a, 1, b, 0, 5), n);
            assertEquals(4 + 2 + 0 + 2 + 4, m.manhattan(a, 1, b, 0, 5), n);
            assertEquals(4, m.hamming(a, 1, b, 0, 5), n);
            assertEquals(1, m.hamming(a, 6, b, 5, 3), n); // 0/1 vectors {0,1,0} vs {1,1,0}
            assertEquals(9f / 21f, m.jaccard(a, 1, b, 0, 5), 1e-6f, n);
            assertEquals(0f, m.jaccard(new float[4], 0, new float[4], 0, 4), n);
            assertEquals(-1 * 1 + 2 * 2 - 3 * 3 + 4 * 4, m.dotInt8(a, 1, c, 1, 4), n);
            assertEquals(0f, m.dot(a, 3, b, 3, 0), n);
        }
    }

    @Test
    void everyKernelMatchesADoubleReferenceOnEveryLengthAndOffset() {
        Random random = new Random(5);
        float[] a = new float[2000];
        float[] b = new float[2000];
        float[] pa = new float[2000];
        float[] pb = new float[2000];
        float[] bitsA = new float[2000];
        float[] bitsB = new float[2000];
        byte[] codes = new byte[2000];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = (float) random.nextGaussian();
            pa[i] = Math.abs(a[i]);
            pb[i] = Math.abs(b[i]);
            bitsA[i] = a[i] > 0 ? 1 : 0;
            bitsB[i] = b[i] > 0.3f ? 1 : 0;
            codes[i] = (byte) random.nextInt(256);
        }
        for (VectorMath m : implementations()) {
            for (int length = 0; length <= 300; length++) {
                int ao = random.nextInt(100);
                int bo = random.nextInt(100);
                double dot = 0;
                double l2 = 0;
                double l1 = 0;
                double min = 0;
                double max = 0;
                double int8 = 0;
                int hamming = 0;
                for (int i = 0; i < length; i++) {
                    double x = a[ao + i];
                    double y = b[bo + i];
                    dot += x * y;
                    l2 += (x - y) * (x - y);
                    l1 += Math.abs(x - y);
                    min += Math.min(pa[ao + i], pb[bo + i]);
                    max += Math.max(pa[ao + i], pb[bo + i]);
                    int8 += x * codes[bo + i];
                    hamming += bitsA[ao + i] != bitsB[bo + i] ? 1 : 0;
                }
                float tolerance = 1e-4f * (length + 1);
                String at = m.name() + " length " + length;
                assertEquals(dot, m.dot(a, ao, b, bo, length), tolerance, "dot " + at);
                assertEquals(l2, m.squareDistance(a, ao, b, bo, length), tolerance, "l2 " + at);
                assertEquals(l1, m.manhattan(a, ao, b, bo, length), tolerance, "manhattan " + at);
                assertEquals(hamming, m.hamming(bitsA, ao, bitsB, bo, length), "hamming " + at);
                assertEquals(hamming, m.manhattan(bitsA, ao, bitsB, bo, length), "manhattan of bits " + at);
                assertEquals(max == 0 ? 0 : min / max, m.jaccard(pa, ao, pb, bo, length), 1e-5, "jaccard " + at);
                assertEquals(int8, m.dotInt8(a, ao, codes, bo, length), 100 * tolerance, "int8 " + at);
            }
        }
    }

    @Test
    void simdAndScalarKernelsAgree() {
        VectorMath simd = VectorMathHolder.simdOrNull();
        assumeTrue(simd != null, "the surefire JVM runs with --add-modules jdk.incubator.vector");
        VectorMath scalar = VectorMath.scalar();
        Random r = new Random(5);
        for (int length : LENGTHS) {
            float[] a = new float[length + 5];
            float[] b = new float[length + 5];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextGaussian();
                b[i] = (float) r.nextGaussian();
            }
            float[] bits = new float[a.length];
            float[] bits2 = new float[a.length];
            float[] pos = new float[a.length];
            float[] pos2 = new float[a.length];
            byte[] codes = new byte[a.length];
            for (int i = 0; i < a.length; i++) {
                bits[i] = a[i] > 0 ? 1 : 0;
                bits2[i] = b[i] > 0.3f ? 1 : 0;
                pos[i] = Math.abs(a[i]);
                pos2[i] = Math.abs(b[i]);
                codes[i] = (byte) r.nextInt(256);
            }
            for (int off = 0; off < 3; off++) {
                float d2 = scalar.dot(a, off, b, 2, length);
                assertEquals(
                        d2, simd.dot(a, off, b, 2, length), 1e-4f * Math.max(1, Math.abs(d2)) + 1e-4f, "dot " + length);
                float s2 = scalar.squareDistance(a, off, b, 1, length);
                assertEquals(s2, simd.squareDistance(a, off, b, 1, length), 1e-4f * Math.max(1, s2), "l2 " + length);
                float m2 = scalar.manhattan(a, off, b, 1, length);
                assertEquals(m2, simd.manhattan(a, off, b, 1, length), 1e-4f * Math.max(1, m2), "l1 " + length);
                assertEquals(
                        scalar.hamming(bits, off, bits2, 1, length),
                        simd.hamming(bits, off, bits2, 1, length),
                        "hamming " + length);
                assertEquals(scalar.hamming(a, off, b, 1, length), simd.hamming(a, off, b, 1, length));
                assertEquals(
                        scalar.jaccard(pos, off, pos2, 1, length),
                        simd.jaccard(pos, off, pos2, 1, length),
                        1e-5f,
                        "jaccard " + length);
                assertEquals(
                        scalar.jaccard(bits, off, bits2, 1, length),
                        simd.jaccard(bits, off, bits2, 1, length),
                        1e-6f,
                        "jaccard bits " + length);
                float c2 = scalar.dotInt8(a, off, codes, 2, length);
                assertEquals(
                        c2,
                        simd.dotInt8(a, off, codes, 2, length),
                        1e-4f * Math.max(100, Math.abs(c2)),
                        "int8 " + length);
            }
        }
    }

    @Test
    void kernelsReadOnlyTheirSlice() {
        // NaN around the slice: any read outside [offset, offset + length) would poison the result
        for (VectorMath m : implementations()) {
            for (int length : LENGTHS) {
                float[] a = new float[length + 6];
                float[] b = new float[length + 9];
                byte[] c = new byte[length + 9];
                java.util.Arrays.fill(a, Float.NaN);
                java.util.Arrays.fill(b, Float.NaN);
                for (int i = 0; i < length; i++) {
                    a[3 + i] = 1;
                    b[7 + i] = 2;
                    c[7 + i] = 2;
                }
                String at = m.name() + " " + length;
                assertEquals(2f * length, m.dot(a, 3, b, 7, length), at);
                assertEquals(length, m.squareDistance(a, 3, b, 7, length), at);
                assertEquals(length, m.manhattan(a, 3, b, 7, length), at);
                assertEquals(length, m.hamming(a, 3, b, 7, length), at);
                assertEquals(length == 0 ? 0f : 0.5f, m.jaccard(a, 3, b, 7, length), at);
                assertEquals(2f * length, m.dotInt8(a, 3, c, 7, length), at);
            }
        }
    }
}
