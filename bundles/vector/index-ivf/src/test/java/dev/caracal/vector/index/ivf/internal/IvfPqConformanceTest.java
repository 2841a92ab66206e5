package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.testkit.IndexCapabilities;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The ivf-pq plugin against the index conformance cases: PQ codes re-ranked on the source's vectors. */
class IvfPqConformanceTest extends IvfConformanceSupport {

    @Override
    public VectorIndexFactory factory() {
        return new IvfPqIndexFactory();
    }

    /** Filtered searches keep 0.95 at 1% and 10%: few matches are scanned exactly, more probe more lists. */
    @Override
    public IndexCapabilities capabilities() {
        return IndexCapabilities.approximate(0.9, Metric.COSINE, Metric.DOT, Metric.L2)
                .persistent()
                .withFilteredRecall(1, 0.95)
                .withFilteredRecall(10, 0.95)
                .build();
    }

    /**
     * Cosine and dot searches re-rank 8 candidates per result: the inner-product distance tables of codes of dim/8
     * bytes rank coarsely, and with the default 4 the recall depends on when the background training ran (0.73 to
     * 0.78 for cosine, 0.91 to 0.97 for dot on the conformance data). L2 keeps the default.
     */
    @Override
    public Map<String, Object> queryParams(VectorIndex index, Metric metric) {
        Map<String, Object> params = new HashMap<>(super.queryParams(index, metric));
        if (metric == Metric.COSINE || metric == Metric.DOT) {
            params.put("rerank", 8);
        }
        return params;
    }

    @Override
    public List<Map<String, Object>> otherBuildParams() {
        return List.of(Map.of("nlist", 32), Map.of("pqM", 4), Map.of("rerank", 2), Map.of("nprobe", 3));
    }
}
