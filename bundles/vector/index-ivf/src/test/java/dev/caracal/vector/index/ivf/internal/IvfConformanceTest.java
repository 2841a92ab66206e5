package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.testkit.IndexCapabilities;
import java.util.List;
import java.util.Map;

/** The ivf plugin (IVF-Flat) against the index conformance cases. */
class IvfConformanceTest extends IvfConformanceSupport {

    @Override
    public VectorIndexFactory factory() {
        return new IvfIndexFactory();
    }

    @Override
    public IndexCapabilities capabilities() {
        return IndexCapabilities.approximate(0.95, Metric.COSINE, Metric.DOT, Metric.L2, Metric.MANHATTAN)
                .persistent()
                .build();
    }

    @Override
    public List<Map<String, Object>> otherBuildParams() {
        return List.of(Map.of("nlist", 32), Map.of("nprobe", 3));
    }
}
