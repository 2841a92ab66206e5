package dev.caracal.benchmarks.ann;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * jvector 4.0.2: an in-memory graph from {@link GraphIndexBuilder} (hierarchical, max degree {@code degree},
 * beam width {@code beamWidth}, alpha 1.2, overflow 1.2) built on a one-thread pool, searched with a
 * {@link GraphSearcher} per thread using exact float scores; the knob is rerankK (the search beam).
 */
final class JVectorContender implements Contender {
    private static final VectorTypeSupport VTS =
            VectorizationProvider.getInstance().getVectorTypeSupport();
    private final int degree;
    private final int beamWidth;
    private final int[] knobs;
    private final VectorSimilarityFunction similarity;
    private RandomAccessVectorValues ravv;
    private ImmutableGraphIndex graph;
    private ThreadLocal<GraphSearcher> searchers;
    private long bytes;
    private ForkJoinPool pool;

    /** {@code cosine}: the vectors are unit length and compared with DOT_PRODUCT (= cosine on them); else EUCLIDEAN. */
    JVectorContender(int degree, int beamWidth, int[] knobs, boolean cosine) {
        this.similarity = cosine ? VectorSimilarityFunction.DOT_PRODUCT : VectorSimilarityFunction.EUCLIDEAN;
        this.degree = degree;
        this.beamWidth = beamWidth;
        this.knobs = knobs;
    }

    @Override
    public String name() {
        return "jvector";
    }

    @Override
    public String knobName() {
        return "rerankK";
    }

    @Override
    public int[] knobs() {
        return knobs;
    }

    @Override
    public void build(float[][] base) {
        int dim = base[0].length;
        List<VectorFloat<?>> list = new ArrayList<>(base.length);
        for (float[] v : base) {
            list.add(VTS.createFloatVector(v.clone()));
        }
        ravv = new ListRandomAccessVectorValues(list, dim);
        BuildScoreProvider bsp = BuildScoreProvider.randomAccessScoreProvider(ravv, similarity);
        pool = new ForkJoinPool(1);
        GraphIndexBuilder builder =
                new GraphIndexBuilder(bsp, dim, degree, beamWidth, 1.2f, 1.2f, true, true, pool, pool);
        graph = builder.build(ravv);
        bytes = builder.ramBytesUsed() + (long) base.length * dim * Float.BYTES;
        searchers = ThreadLocal.withInitial(() -> new GraphSearcher(graph));
    }

    @Override
    public int[] search(float[] query, int k, int knob, BitSet filter, int filterCount) {
        VectorFloat<?> q = VTS.createFloatVector(query);
        var ssp = DefaultSearchScoreProvider.exact(q, similarity, ravv);
        Bits bits = filter == null ? Bits.ALL : filter::get;
        SearchResult r = searchers.get().search(ssp, k, Math.max(k, knob), 0f, 0f, bits);
        SearchResult.NodeScore[] nodes = r.getNodes();
        int[] out = new int[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            out[i] = nodes[i].node;
        }
        return out;
    }

    @Override
    public boolean supportsFilter() {
        return true;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public String note() {
        return similarity + "; max degree " + degree + " (= 2M, the base-layer degree of the HNSW contenders), beam "
                + beamWidth + ", build on a 1-thread pool; bytes = builder.ramBytesUsed() + float vectors";
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
