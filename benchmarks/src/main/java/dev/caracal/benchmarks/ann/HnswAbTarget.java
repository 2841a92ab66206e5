package dev.caracal.benchmarks.ann;

import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.VectorSource;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One build of the hnsw plugin as {@link HnswAb} sees it: loaded in a class loader of its own (with that build's jars),
 * called reflectively with JDK types only, so two builds of the same classes run side by side in one JVM.
 */
public final class HnswAbTarget {
    private final VectorIndex index;
    private final Map<String, Object> query = new HashMap<>();

    /** Opens an empty index in {@code dir} ({@code params}: the build parameters, e.g. {@code m=16}). */
    public HnswAbTarget(String metric, Map<String, Object> params, String dir, float[][] base) throws Exception {
        VectorIndexFactory factory =
                (VectorIndexFactory) Class.forName("dev.caracal.vector.index.hnsw.internal.HnswIndexFactory")
                        .getConstructor()
                        .newInstance();
        Map<String, Object> p = factory.validateBuildParams(params);
        VectorSource source = new CaracalContender.ArraySource(base);
        index = factory.open(new IndexContext(
                "hnsw-ab", Metric.parse("metric", metric), new IndexSpec("hnsw", p), source, Path.of(dir)));
    }

    /** Adds every vector of {@code base} on this thread. */
    public void build(float[][] base) {
        for (int i = 0; i < base.length; i++) {
            index.add(i, base[i]);
        }
    }

    /** One pass over {@code queries} at {@code ef}; the ids found go to {@code out[q]}. */
    public void pass(float[][] queries, int k, int ef, int[][] out) {
        query.put("ef", ef);
        for (int q = 0; q < queries.length; q++) {
            out[q] = index.search(queries[q], k, null, query).ordinals();
        }
    }

    public long bytes() {
        return index.memoryBytes();
    }

    public void close() {
        index.close();
    }
}
