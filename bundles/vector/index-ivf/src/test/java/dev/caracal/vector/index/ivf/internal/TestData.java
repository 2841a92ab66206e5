package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.testkit.IndexTestData;
import java.nio.file.Path;
import java.util.Map;

/** The shared index test helpers, with {@code open} typed for this plugin. */
final class TestData extends IndexTestData {
    private TestData() {}

    static IvfIndex open(
            VectorIndexFactory factory, Metric metric, Source source, Map<String, Object> params, Path dir) {
        return openIndex(factory, metric, source, params, dir);
    }
}
