package dev.caracal.vector.index.lsh.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.testkit.IndexCapabilities;
import dev.caracal.vector.index.testkit.IndexConformanceTest;

/** The lsh plugin against the index conformance cases, at its default parameters. */
class LshConformanceTest extends IndexConformanceTest {

    @Override
    public VectorIndexFactory factory() {
        return new LshIndexFactory();
    }

    /** Selective filters are answered by an exact scan; wide ones filter the candidates of the probed buckets. */
    @Override
    public IndexCapabilities capabilities() {
        return IndexCapabilities.approximate(0.9, Metric.COSINE, Metric.DOT, Metric.L2)
                .withFilteredRecall(1, 0.999)
                .withFilteredRecall(10, 0.85)
                .withFilteredRecall(50, 0.85)
                .build();
    }

    @Override
    public void settle(VectorIndex index) throws InterruptedException {
        ((LshIndex) index).awaitBuild();
    }

    @Override
    public void checkAfterConcurrentWrites(VectorIndex index) {
        assertTrue(((LshIndex) index).hashed(), "the tables were built while writes and searches went on");
    }
}
