package dev.caracal.benchmarks.ann;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import java.io.IOException;
import java.io.OutputStream;
import java.util.BitSet;
import java.util.List;

/** hnswlib-java (com.github.jelmerk:hnswlib-core) with M, efConstruction; the knob is ef (index-wide setEf). */
final class HnswlibContender implements Contender {
    private final int m;
    private final int efConstruction;
    private final int[] knobs;
    private final boolean cosine;
    private HnswIndex<Integer, float[], Vec, Float> index;
    private long bytes;

    record Vec(Integer id, float[] vector) implements Item<Integer, float[]> {
        @Override
        public int dimensions() {
            return vector.length;
        }
    }

    /** {@code cosine}: the vectors are unit length and compared with the inner-product distance 1 - q.v. */
    HnswlibContender(int m, int efConstruction, int[] knobs, boolean cosine) {
        this.cosine = cosine;
        this.m = m;
        this.efConstruction = efConstruction;
        this.knobs = knobs;
    }

    @Override
    public String name() {
        return "hnswlib-java";
    }

    @Override
    public String knobName() {
        return "ef";
    }

    @Override
    public int[] knobs() {
        return knobs;
    }

    @Override
    public void build(float[][] base) throws IOException {
        index = HnswIndex.<float[], Float>newBuilder(
                        base[0].length,
                        cosine ? DistanceFunctions.FLOAT_INNER_PRODUCT : DistanceFunctions.FLOAT_EUCLIDEAN_DISTANCE,
                        base.length)
                .withM(m)
                .withEfConstruction(efConstruction)
                .withEf(10)
                .build();
        for (int i = 0; i < base.length; i++) {
            index.add(new Vec(i, base[i]));
        }
        long[] count = new long[1];
        index.save(new OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        });
        bytes = count[0];
    }

    @Override
    public int[] search(float[] query, int k, int knob, BitSet filter, int filterCount) {
        if (index.getEf() != knob) {
            index.setEf(knob);
        }
        List<SearchResult<Vec, Float>> r = index.findNearest(query, k);
        int[] out = new int[r.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.get(i).item().id();
        }
        return out;
    }

    @Override
    public boolean supportsFilter() {
        return false;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public String note() {
        return (cosine ? "FLOAT_INNER_PRODUCT" : "FLOAT_EUCLIDEAN_DISTANCE")
                + "; single-threaded add(); bytes = size of save() (Java serialization of items + graph)";
    }
}
