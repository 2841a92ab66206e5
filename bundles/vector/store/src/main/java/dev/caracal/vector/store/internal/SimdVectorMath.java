package dev.caracal.vector.store.internal;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the incubating Vector API ({@code SPECIES_PREFERRED}, fused multiply-add, two accumulators). Only
 * loaded reflectively by {@link VectorMathHolder} once the module is known to be present.
 */
final class SimdVectorMath implements VectorMath {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Bytes with as many lanes as {@link #SPECIES} (null below 8 lanes: no byte shape that small). */
    private static final VectorSpecies<Byte> BYTES = LANES >= 8
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8)) : null;

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
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector d = FloatVector.fromArray(SPECIES, a, aOffset + i)
                        .sub(FloatVector.fromArray(SPECIES, b, bOffset + i));
                acc0 = d.fma(d, acc0);
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
    public float jaccard(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        float min = 0;
        float max = 0;
        if (length >= LANES) {
            FloatVector mins = FloatVector.zero(SPECIES);
            FloatVector maxs = FloatVector.zero(SPECIES);
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector x = FloatVector.fromArray(SPECIES, a, aOffset + i);
                FloatVector y = FloatVector.fromArray(SPECIES, b, bOffset + i);
                mins = mins.add(x.min(y));
                maxs = maxs.add(x.max(y));
            }
            min = mins.reduceLanes(VectorOperators.ADD);
            max = maxs.reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            min += Math.min(a[aOffset + i], b[bOffset + i]);
            max += Math.max(a[aOffset + i], b[bOffset + i]);
        }
        return max == 0 ? 0 : min / max;
    }

    @Override
    public float dotInt8(float[] q, byte[] codes, int offset, int length) {
        int i = 0;
        float sum = 0;
        if (BYTES != null && length >= LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            for (int bound = length - 2 * LANES; i <= bound; i += 2 * LANES) {
                FloatVector c0 = (FloatVector) ByteVector.fromArray(BYTES, codes, offset + i).castShape(SPECIES, 0);
                FloatVector c1 = (FloatVector) ByteVector.fromArray(BYTES, codes, offset + i + LANES)
                        .castShape(SPECIES, 0);
                acc0 = FloatVector.fromArray(SPECIES, q, i).fma(c0, acc0);
                acc1 = FloatVector.fromArray(SPECIES, q, i + LANES).fma(c1, acc1);
            }
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector c = (FloatVector) ByteVector.fromArray(BYTES, codes, offset + i).castShape(SPECIES, 0);
                acc0 = FloatVector.fromArray(SPECIES, q, i).fma(c, acc0);
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            sum = Math.fma(q[i], codes[offset + i], sum);
        }
        return sum;
    }

    @Override
    public String name() {
        return "simd(" + SPECIES.vectorBitSize() + " bit)";
    }
}
