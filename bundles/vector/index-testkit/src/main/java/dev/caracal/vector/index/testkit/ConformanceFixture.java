package dev.caracal.vector.index.testkit;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorSource;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * What the conformance cases of one plugin share: the data by metric, the indexes built once over all of it (read
 * only; cases that change an index build their own), and opening, filling and searching indexes of the plugin.
 */
public final class ConformanceFixture implements AutoCloseable {
    /** The k of the recall cases. */
    public static final int K = 10;

    private final IndexUnderTest plugin;
    private final Map<Metric, ConformanceData> data = new EnumMap<>(Metric.class);
    private final Map<Metric, VectorIndex> shared = new EnumMap<>(Metric.class);

    public ConformanceFixture(IndexUnderTest plugin) {
        this.plugin = plugin;
    }

    public IndexUnderTest plugin() {
        return plugin;
    }

    public IndexCapabilities capabilities() {
        return plugin.capabilities();
    }

    /** The metric of the cases that are not about metrics: l2 when served, otherwise the first one served. */
    public Metric primaryMetric() {
        IndexCapabilities c = capabilities();
        if (c.serves(Metric.L2)) {
            return Metric.L2;
        }
        for (Metric m : Metric.values()) {
            if (c.serves(m)) {
                return m;
            }
        }
        throw new IllegalStateException("no metric served");
    }

    public synchronized ConformanceData data(Metric metric) {
        return data.computeIfAbsent(metric, m -> ConformanceData.of(m, plugin.dimension()));
    }

    /** An index over all the data of {@code metric}, settled; shared by the cases, which must not change it. */
    public synchronized VectorIndex shared(Metric metric) throws InterruptedException {
        VectorIndex index = shared.get(metric);
        if (index == null) {
            ConformanceData d = data(metric);
            index = fill(metric, d.source(d.vectors().length), null);
            plugin.settle(index);
            shared.put(metric, index);
        }
        return index;
    }

    /** Opens an index of the plugin with its build parameters. */
    public <T extends VectorIndex> T open(Metric metric, VectorSource source, Path dir) {
        return open(metric, source, plugin.buildParams(), dir);
    }

    public <T extends VectorIndex> T open(Metric metric, VectorSource source, Map<String, Object> params, Path dir) {
        return IndexTestData.openIndex(plugin.factory(), metric, source, params, dir);
    }

    /** Opens an index over {@code source} and adds its live ordinals with their vectors, in order. */
    public VectorIndex fill(Metric metric, IndexTestData.Source source, Path dir) {
        VectorIndex index = open(metric, source, dir);
        add(index, source, 0, source.maxOrdinal());
        return index;
    }

    /**
     * Fills an index over {@code source} in {@code dir}, lets it settle, persists it as covering the ordinals below
     * {@code covered} and closes it.
     */
    public void persist(Metric metric, IndexTestData.Source source, Path dir, int covered) throws InterruptedException {
        VectorIndex index = fill(metric, source, dir);
        plugin.settle(index);
        index.persist(covered);
        index.close();
    }

    /** Adds the live ordinals of {@code source} in [from, to) with their vectors. */
    public static void add(VectorIndex index, IndexTestData.Source source, int from, int to) {
        for (int o = from; o < to; o++) {
            if (source.isLive(o)) {
                index.add(o, source.get(o));
            }
        }
    }

    /** The plugin's query parameters for {@code index} of {@code metric}, validated by its factory. */
    public Map<String, Object> queryParams(VectorIndex index, Metric metric) {
        return plugin.factory().validateQueryParams(plugin.queryParams(index, metric));
    }

    /** A search of {@code index} of {@code metric} with the plugin's query parameters. */
    public ScoredOrdinals search(VectorIndex index, Metric metric, float[] query, int k, OrdinalFilter filter) {
        return index.search(query, k, filter, queryParams(index, metric));
    }

    /**
     * The mean recall@{@value #K} of searching the queries of {@code d} (at most {@code queries} of them) against
     * brute force over the vectors {@code accept} passes; counts ties for metrics that tie.
     */
    public double meanRecall(
            VectorIndex index, ConformanceData d, int queries, IntPredicate accept, OrdinalFilter filter) {
        Map<String, Object> params = queryParams(index, d.metric());
        int n = Math.min(queries, d.queries().length);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float[] q = d.queries()[i];
            int[] truth = GroundTruth.bruteForce(d.vectors(), d.metric(), q, K, accept);
            ScoredOrdinals found = index.search(q, K, filter, params);
            sum += d.ties()
                    ? GroundTruth.tieAwareRecall(d.vectors(), d.metric(), q, truth, found)
                    : GroundTruth.recall(truth, found);
        }
        return sum / n;
    }

    @Override
    public synchronized void close() {
        shared.values().forEach(VectorIndex::close);
        shared.clear();
        data.clear();
    }
}
