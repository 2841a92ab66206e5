package dev.caracal.vector.index.hnsw.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.testkit.IndexCapabilities;
import dev.caracal.vector.index.testkit.IndexConformanceTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The hnsw plugin with int8 quantization against the index conformance cases: cosine, dot and l2 (the factory reports
 * every metric; an int8 index refuses the others when it opens), re-ranked on the source's vectors.
 */
class HnswInt8ConformanceTest extends IndexConformanceTest {

    @Override
    public VectorIndexFactory factory() {
        return new HnswIndexFactory();
    }

    @Override
    public Map<String, Object> buildParams() {
        return Map.of("quantization", "int8");
    }

    @Override
    public IndexCapabilities capabilities() {
        return IndexCapabilities.approximate(0.95, Metric.COSINE, Metric.DOT, Metric.L2)
                .alsoReported(Metric.MANHATTAN, Metric.HAMMING, Metric.JACCARD)
                .persistent()
                .build();
    }

    @Override
    public List<Map<String, Object>> otherBuildParams() {
        return List.of(Map.of("quantization", "none"), Map.of("quantization", "int8", "m", 12));
    }

    /** Tombstones and the quantizer survive the round trip. */
    @Override
    public void checkReopened(VectorIndex persisted, VectorIndex reopened, Path directory) {
        HnswIndex before = (HnswIndex) persisted;
        HnswIndex after = (HnswIndex) reopened;
        assertEquals(before.tombstones(), after.tombstones(), "tombstones survive the round trip");
        assertEquals(before.quantizerTrainedOn(), after.quantizerTrainedOn(), "the quantizer survives the round trip");
    }
}
