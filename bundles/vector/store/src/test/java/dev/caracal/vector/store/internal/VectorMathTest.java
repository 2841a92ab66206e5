package dev.caracal.vector.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VectorMathTest {

    @Test
    void simdIsDetectedWhenTheModuleIsPresent() {
        // Surefire runs with --add-modules jdk.incubator.vector
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        assertTrue(VectorMath.get().name().startsWith("simd"), VectorMath.get().name());
        assertEquals("scalar", VectorMath.scalar().name());
    }

    @Test
    void withoutTheModuleTheStoreFallsBackToScalarCode() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                FallbackMain.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("scalar b"), out);
    }

    @Test
    void simdAndScalarAgreeOnEveryLengthAndOffset() {
        Random random = new Random(5);
        VectorMath simd = VectorMath.get();
        VectorMath scalar = VectorMath.scalar();
        float[] a = new float[2000];
        float[] b = new float[2000];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = (float) random.nextGaussian();
        }
        for (int length = 0; length <= 300; length++) {
            int ao = random.nextInt(100);
            int bo = random.nextInt(100);
            double dot = 0;
            double l2 = 0;
            for (int i = 0; i < length; i++) {
                dot += (double) a[ao + i] * b[bo + i];
                l2 += ((double) a[ao + i] - b[bo + i]) * ((double) a[ao + i] - b[bo + i]);
            }
            float tolerance = 1e-4f * (length + 1);
            assertEquals(dot, simd.dot(a, ao, b, bo, length), tolerance, "simd dot " + length);
            assertEquals(dot, scalar.dot(a, ao, b, bo, length), tolerance, "scalar dot " + length);
            assertEquals(l2, simd.squareDistance(a, ao, b, bo, length), tolerance, "simd l2 " + length);
            assertEquals(l2, scalar.squareDistance(a, ao, b, bo, length), tolerance, "scalar l2 " + length);
        }
    }

    @Test
    void topKKeepsTheBestAndBreaksTiesByOrdinal() {
        TopK top = new TopK(3);
        float[] scores = {0.5f, 0.9f, 0.1f, 0.9f, 0.7f, 0.2f};
        for (int i = 0; i < scores.length; i++) {
            top.offer(i, scores[i]);
        }
        int[] o = new int[3];
        float[] s = new float[3];
        assertEquals(3, top.drainSorted(o, s));
        assertEquals(1, o[0]);
        assertEquals(3, o[1]);
        assertEquals(4, o[2]);
        assertEquals(0.7f, s[2]);
    }
}
