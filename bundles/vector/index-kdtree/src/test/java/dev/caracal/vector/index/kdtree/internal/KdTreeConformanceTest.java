package dev.caracal.vector.index.kdtree.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.testkit.IndexCapabilities;
import dev.caracal.vector.index.testkit.IndexConformanceTest;

/** The kdtree plugin against the index conformance cases: exact, l2 and cosine, in few dimensions. */
class KdTreeConformanceTest extends IndexConformanceTest {

    @Override
    public VectorIndexFactory factory() {
        return new KdTreeIndexFactory();
    }

    @Override
    public IndexCapabilities capabilities() {
        return IndexCapabilities.exact(Metric.L2, Metric.COSINE).build();
    }

    /** A kd-tree is for low dimensions. */
    @Override
    public int dimension() {
        return 8;
    }

    @Override
    public void settle(VectorIndex index) throws InterruptedException {
        ((KdTreeIndex) index).awaitRebuild();
    }

    @Override
    public void checkAfterConcurrentWrites(VectorIndex index) {
        KdTreeIndex tree = (KdTreeIndex) index;
        assertTrue(tree.rebuilds.get() > 0, "rebuilt while writes and searches went on");
        assertTrue(
                tree.overflowSize() <= Math.max(KdTreeIndex.MIN_OVERFLOW, tree.treeSize() / 4),
                "overflow " + tree.overflowSize() + " vs tree " + tree.treeSize());
    }
}
