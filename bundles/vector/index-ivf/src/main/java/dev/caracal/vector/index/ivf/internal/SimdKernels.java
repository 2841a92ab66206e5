package dev.caracal.vector.index.ivf.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Kernels on the incubating Vector API; only loaded reflectively by {@link Kernels} once the module is present. */
final class SimdKernels implements VectorKernels {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        float sum = 0;
        if (length >= LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            for (int bound = length - 2 * LANES; i <= bound; i += 2 * LANES) {
                acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
                        .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc0);
                acc1 = FloatVector.fromArray(SPECIES, a, aOffset + i + LANES)
                        .fma(FloatVector.fromArray(SPECIES, b, bOffset + i + LANES), acc1);
            }
            for (int bound = length - LANES; i <= bound; i += LANES) {
                acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
                        .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc0);
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    @Override
    public float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        float sum = 0;
        if (length >= LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            for (int bound = length - 2 * LANES; i <= bound; i += 2 * LANES) {
                FloatVector d0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
                        .sub(FloatVector.fromArray(SPECIES, b, bOffset + i));
                FloatVector d1 = FloatVector.fromArray(SPECIES, a, aOffset + i + LANES)
                        .sub(FloatVector.fromArray(SPECIES, b, bOffset + i + LANES));
                acc0 = d0.fma(d0, acc0);
                acc1 = d1.fma(d1, acc1);
            }
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector d = FloatVector.fromArray(SPECIES, a, aOffset + i)
                        .sub(FloatVector.fromArray(SPECIES, b, bOffset + i));
                acc0 = d.fma(d, acc0);
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            float d = a[aOffset + i] - b[bOffset + i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    public float manhattan(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        float sum = 0;
        if (length >= LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            for (int bound = length - 2 * LANES; i <= bound; i += 2 * LANES) {
                acc0 = acc0.add(FloatVector.fromArray(SPECIES, a, aOffset + i)
                        .sub(FloatVector.fromArray(SPECIES, b, bOffset + i)).abs());
                acc1 = acc1.add(FloatVector.fromArray(SPECIES, a, aOffset + i + LANES)
                        .sub(FloatVector.fromArray(SPECIES, b, bOffset + i + LANES)).abs());
            }
            for (int bound = length - LANES; i <= bound; i += LANES) {
                acc0 = acc0.add(FloatVector.fromArray(SPECIES, a, aOffset + i)
                        .sub(FloatVector.fromArray(SPECIES, b, bOffset + i)).abs());
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            sum += Math.abs(a[aOffset + i] - b[bOffset + i]);
        }
        return sum;
    }

    @Override
    public String name() {
        return "simd(" + SPECIES.vectorBitSize() + " bit)";
    }
}
