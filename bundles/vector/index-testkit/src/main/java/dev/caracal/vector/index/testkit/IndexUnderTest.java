package dev.caracal.vector.index.testkit;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a plugin's conformance test supplies: its factory, what it declares it can do, and hooks into the life of its
 * indexes. Every hook but {@link #factory()} and {@link #capabilities()} has a default.
 */
public interface IndexUnderTest {

    /** A new factory, as the service registry would hand it out. */
    VectorIndexFactory factory();

    /** What the plugin declares; the cases hold it to that. */
    IndexCapabilities capabilities();

    /** The build parameters of the indexes under test (validated by the factory before use). */
    default Map<String, Object> buildParams() {
        return Map.of();
    }

    /** Build parameters that differ from {@link #buildParams()}: a state persisted with those must not reload. */
    default List<Map<String, Object>> otherBuildParams() {
        return List.of();
    }

    /** The per-query parameters the cases search {@code index} of {@code metric} with (validated before use). */
    default Map<String, Object> queryParams(VectorIndex index, Metric metric) {
        return Map.of();
    }

    /** The dimension of the conformance data. */
    default int dimension() {
        return 64;
    }

    /**
     * Waits until the work {@code index} started in the background after its last add (training, table builds, tree
     * rebuilds) is done, so that what the case checks next is the index's settled state.
     */
    default void settle(VectorIndex index) throws InterruptedException {}

    /** Plugin-specific checks on an index reopened from what {@code persisted} wrote into {@code directory}. */
    default void checkReopened(VectorIndex persisted, VectorIndex reopened, Path directory) throws IOException {}

    /** Plugin-specific checks after the concurrency case, once the writers are done and the index settled. */
    default void checkAfterConcurrentWrites(VectorIndex index) {}
}
