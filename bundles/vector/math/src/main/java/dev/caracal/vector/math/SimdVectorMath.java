package dev.caracal.vector.math;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the incubating Vector API: the preferred species, fused multiply-add, two accumulators. Loaded only
 * reflectively by {@link VectorMathHolder} after it has checked that the module is present.
 */
final class SimdVectorMath implements VectorMath {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Bytes with as many lanes as {@link #SPECIES} (null when that shape does not exist: 4 lanes would be 32 bits). */
    private static final VectorSpecies<Byte> BYTES =
            LANES * 8 >= 64 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8)) : null;

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
            if (i <= length - LANES) {
                acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
                        .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc0);
                i += LANES;
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            sum = Math.fma(a[aOffset + i], b[bOffset + i], sum);
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
            if (i <= length - LANES) {
                FloatVector d = FloatVector.fromArray(SPECIES, a, aOffset + i)
                        .sub(FloatVector.fromArray(SPECIES, b, bOffset + i));
                acc0 = d.fma(d, acc0);
                i += LANES;
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            float d = a[aOffset + i] - b[bOffset + i];
            sum = Math.fma(d, d, sum);
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
                        .sub(FloatVector.fromArray(SPECIES, b, bOffset + i))
                        .abs());
                acc1 = acc1.add(FloatVector.fromArray(SPECIES, a, aOffset + i + LANES)
                        .sub(FloatVector.fromArray(SPECIES, b, bOffset + i + LANES))
                        .abs());
            }
            if (i <= length - LANES) {
                acc0 = acc0.add(FloatVector.fromArray(SPECIES, a, aOffset + i)
                        .sub(FloatVector.fromArray(SPECIES, b, bOffset + i))
                        .abs());
                i += LANES;
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            sum += Math.abs(a[aOffset + i] - b[bOffset + i]);
        }
        return sum;
    }

    @Override
    public float hamming(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        int n = 0;
        for (int bound = length - LANES; i <= bound; i += LANES) {
            n += FloatVector.fromArray(SPECIES, a, aOffset + i)
                    .compare(VectorOperators.NE, FloatVector.fromArray(SPECIES, b, bOffset + i))
                    .trueCount();
        }
        for (; i < length; i++) {
            if (a[aOffset + i] != b[bOffset + i]) {
                n++;
            }
        }
        return n;
    }

    @Override
    public float jaccard(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        float min = 0;
        float max = 0;
        if (length >= LANES) {
            FloatVector accMin = FloatVector.zero(SPECIES);
            FloatVector accMax = FloatVector.zero(SPECIES);
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector x = FloatVector.fromArray(SPECIES, a, aOffset + i);
                FloatVector y = FloatVector.fromArray(SPECIES, b, bOffset + i);
                accMin = accMin.add(x.min(y));
                accMax = accMax.add(x.max(y));
            }
            min = accMin.reduceLanes(VectorOperators.ADD);
            max = accMax.reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            min += Math.min(a[aOffset + i], b[bOffset + i]);
            max += Math.max(a[aOffset + i], b[bOffset + i]);
        }
        return max > 0 ? min / max : 0f;
    }

    @Override
    public float dotInt8(float[] a, int aOffset, byte[] b, int bOffset, int length) {
        if (BYTES == null) {
            return ScalarVectorMath.INSTANCE.dotInt8(a, aOffset, b, bOffset, length);
        }
        int i = 0;
        float sum = 0;
        if (length >= LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            for (int bound = length - 2 * LANES; i <= bound; i += 2 * LANES) {
                FloatVector y0 = (FloatVector)
                        ByteVector.fromArray(BYTES, b, bOffset + i).convertShape(VectorOperators.B2F, SPECIES, 0);
                FloatVector y1 = (FloatVector) ByteVector.fromArray(BYTES, b, bOffset + i + LANES)
                        .convertShape(VectorOperators.B2F, SPECIES, 0);
                acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i).fma(y0, acc0);
                acc1 = FloatVector.fromArray(SPECIES, a, aOffset + i + LANES).fma(y1, acc1);
            }
            if (i <= length - LANES) {
                FloatVector y = (FloatVector)
                        ByteVector.fromArray(BYTES, b, bOffset + i).convertShape(VectorOperators.B2F, SPECIES, 0);
                acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i).fma(y, acc0);
                i += LANES;
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            sum = Math.fma(a[aOffset + i], b[bOffset + i], sum);
        }
        return sum;
    }

    @Override
    public String name() {
        return "simd(" + SPECIES.vectorBitSize() + " bit)";
    }
}
