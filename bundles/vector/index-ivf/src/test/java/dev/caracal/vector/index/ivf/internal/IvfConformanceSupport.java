package dev.caracal.vector.index.ivf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.testkit.IndexConformanceTest;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the ivf and ivf-pq conformance tests share: training runs in the background (the cases wait for it), recall is
 * measured probing an eighth of the lists, and a reloaded layout is the persisted one, not retrained.
 */
abstract class IvfConformanceSupport extends IndexConformanceTest {

    @Override
    public Map<String, Object> queryParams(VectorIndex index, Metric metric) {
        IvfLayout layout = ((IvfIndex) index).layout();
        return layout.exact ? Map.of() : Map.of("nprobe", Math.max(1, layout.nlist / 8));
    }

    @Override
    public void settle(VectorIndex index) throws InterruptedException {
        ((IvfIndex) index).awaitTraining();
    }

    @Override
    public void checkReopened(VectorIndex persisted, VectorIndex reopened, Path directory) {
        IvfLayout before = ((IvfIndex) persisted).layout();
        IvfLayout after = ((IvfIndex) reopened).layout();
        assertFalse(after.exact, "the trained layout was persisted");
        assertEquals(before.nlist, after.nlist);
        assertEquals(0, ((IvfIndex) reopened).trainings.get(), "no retraining after a reload");
    }

    @Override
    public void checkAfterConcurrentWrites(VectorIndex index) {
        assertFalse(((IvfIndex) index).layout().exact, "trained while writes and searches went on");
    }
}
