package dev.caracal.vector.index.hnsw.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.testkit.IndexCapabilities;
import dev.caracal.vector.index.testkit.IndexConformanceTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The hnsw plugin with float vectors against the index conformance cases: every metric, persisted graphs. */
class HnswConformanceTest extends IndexConformanceTest {

    @Override
    public VectorIndexFactory factory() {
        return new HnswIndexFactory();
    }

    @Override
    public IndexCapabilities capabilities() {
        return IndexCapabilities.approximate(
                        0.95, Metric.COSINE, Metric.DOT, Metric.L2, Metric.MANHATTAN, Metric.HAMMING, Metric.JACCARD)
                .persistent()
                .build();
    }

    @Override
    public List<Map<String, Object>> otherBuildParams() {
        return List.of(
                Map.of("m", 12), Map.of("efConstruction", 100), Map.of("ef", 64), Map.of("quantization", "int8"));
    }

    /** Tombstones survive the round trip; the file holds the float vectors. */
    @Override
    public void checkReopened(VectorIndex persisted, VectorIndex reopened, Path directory) throws IOException {
        int tombstones = ((HnswIndex) persisted).tombstones();
        assertTrue(tombstones > 0, "the case removes before persisting");
        assertEquals(tombstones, ((HnswIndex) reopened).tombstones(), "tombstones survive the round trip");
        long floats = 4L * reopened.size() * dimension();
        assertTrue(Files.size(directory.resolve(HnswIndex.FILE_NAME)) > floats, "the file holds the vectors");
    }
}
