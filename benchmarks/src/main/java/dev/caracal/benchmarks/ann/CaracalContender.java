package dev.caracal.benchmarks.ann;

import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.VectorSource;
import dev.caracal.vector.index.hnsw.internal.HnswIndexFactory;
import dev.caracal.vector.index.ivf.internal.IvfConfig;
import dev.caracal.vector.index.ivf.internal.IvfIndexFactory;
import dev.caracal.vector.index.ivf.internal.IvfPqIndexFactory;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Map;

/**
 * A Caracal index plugin used directly (no store, no OSGi): the factory is created, validates the build parameters
 * and opens an index over an in-memory {@link VectorSource}; vectors are added one by one.
 */
final class CaracalContender implements Contender {
    private final String name;
    private final String type;
    private final Map<String, Object> params;
    private final Path dir;
    private final int[] knobs;
    private final Metric metric;
    private VectorIndex index;
    private float[][] base;

    CaracalContender(String name, String type, Map<String, Object> params, Path dir, int[] knobs, Metric metric) {
        this.name = name;
        this.metric = metric;
        this.type = type;
        this.params = params;
        this.dir = dir;
        this.knobs = knobs;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String knobName() {
        return switch (type) {
            case "hnsw" -> "ef";
            case "lsh" -> "probes";
            case "kdtree" -> "exact";
            default -> "nprobe";
        };
    }

    /** Whether an optional plugin (lsh, kdtree: not a dependency of this module) is on the class path. */
    static boolean available(String type) {
        try {
            Class.forName(pluginClass(type));
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String pluginClass(String type) {
        return switch (type) {
            case "lsh" -> "dev.caracal.vector.index.lsh.internal.LshIndexFactory";
            case "kdtree" -> "dev.caracal.vector.index.kdtree.internal.KdTreeIndexFactory";
            default -> throw new IllegalArgumentException(type);
        };
    }

    @Override
    public int[] filterKnobs() {
        return switch (type) {
            case "lsh" -> new int[] {8, 64};
            case "kdtree" -> new int[] {0};
            default -> Contender.super.filterKnobs();
        };
    }

    @Override
    public int[] knobs() {
        return knobs;
    }

    @Override
    public void build(float[][] vectors) throws Exception {
        this.base = vectors;
        VectorIndexFactory factory;
        switch (type) {
            case "hnsw" -> factory = new HnswIndexFactory();
            case "ivf" -> factory = activate(new IvfIndexFactory(), vectors.length + 1);
            case "ivf-pq" -> factory = activate(new IvfPqIndexFactory(), vectors.length + 1);
            case "lsh", "kdtree" ->
                factory = (VectorIndexFactory)
                        Class.forName(pluginClass(type)).getConstructor().newInstance();
            default -> throw new IllegalArgumentException(type);
        }
        Map<String, Object> p = factory.validateBuildParams(params);
        VectorSource source = new ArraySource(vectors);
        index = factory.open(new IndexContext("ann-bench-" + name, metric, new IndexSpec(type, p), source, dir));
        for (int i = 0; i < vectors.length; i++) {
            index.add(i, vectors[i]);
        }
        if (type.equals("lsh") || type.equals("kdtree")) {
            // both rebuild in a background thread as the data grows (that work is part of the build time); wait
            // for it, then build once more over all vectors so every search sees the final structure
            Method await = index.getClass().getDeclaredMethod(type.equals("lsh") ? "awaitBuild" : "awaitRebuild");
            await.setAccessible(true);
            await.invoke(index);
            Method rebuild = index.getClass().getDeclaredMethod("rebuildNow");
            rebuild.setAccessible(true);
            rebuild.invoke(index);
        } else if (!type.equals("hnsw")) {
            // one training over all vectors on this thread (the k-means steps use the common fork-join pool)
            Method train = index.getClass().getDeclaredMethod("trainNow");
            train.setAccessible(true);
            train.invoke(index);
        }
    }

    /** DS activation with the default configuration except minTrainingSize (so the benchmark trains once, at the end). */
    private static <T> T activate(T factory, int minTrainingSize) throws Exception {
        IvfConfig config = (IvfConfig) Proxy.newProxyInstance(
                IvfConfig.class.getClassLoader(),
                new Class<?>[] {IvfConfig.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "minTrainingSize" -> minTrainingSize;
                    case "trainingIterations" -> 15;
                    case "retrainDriftFactor" -> 1.5;
                    case "retrainGrowthFactor" -> 4.0;
                    case "seed" -> 42L;
                    case "annotationType" -> IvfConfig.class;
                    case "hashCode" -> 0;
                    case "equals" -> proxy == args[0];
                    default -> "IvfConfig";
                });
        Method activate = factory.getClass().getDeclaredMethod("activate", IvfConfig.class);
        activate.setAccessible(true);
        activate.invoke(factory, config);
        return factory;
    }

    @Override
    public int[] search(float[] query, int k, int knob, BitSet filter, int filterCount) {
        OrdinalFilter f = filter == null
                ? null
                : new OrdinalFilter() {
                    @Override
                    public boolean accept(int ordinal) {
                        return filter.get(ordinal);
                    }

                    @Override
                    public int estimatedCount() {
                        return filterCount;
                    }
                };
        return index.search(query, k, f, type.equals("kdtree") ? Map.of() : Map.of(knobName(), knob))
                .ordinals();
    }

    @Override
    public boolean supportsFilter() {
        return true;
    }

    @Override
    public long bytes() {
        return index.memoryBytes();
    }

    @Override
    public String note() {
        return switch (type) {
            case "hnsw" ->
                "int8".equals(params.get("quantization"))
                        ? "bytes = VectorIndex.memoryBytes() (int8 codes in the graph; the best ceil(k * rerank) candidates, "
                                + "rerank 3 by default, are re-ranked with full vectors read from the store; ef is raised to at "
                                + "least that)"
                        : "bytes = VectorIndex.memoryBytes() (vectors held in the graph)";
            case "ivf" -> "bytes = VectorIndex.memoryBytes(); k-means training uses the common pool (2 cores)";
            case "lsh" ->
                "default build parameters (8 tables, automatic bits/width); rebuilt in the background as "
                        + "the data doubles (counted in the build time), then once more over all vectors; bytes = "
                        + "VectorIndex.memoryBytes(); the knob is probes (extra buckets per table)";
            case "kdtree" ->
                "exact (no knob); default leafSize; a KD-tree prunes little at this dimension (the plugin "
                        + "warns above 32); rebuilt in the background as the data grows, then once more over all vectors; "
                        + "bytes = VectorIndex.memoryBytes()";
            default -> "bytes = VectorIndex.memoryBytes() (PQ codes; re-ranking reads full vectors from the store)";
        };
    }

    @Override
    public void close() {
        if (index != null) {
            index.close();
        }
    }

    /** The store's role: vectors by ordinal. */
    record ArraySource(float[][] v) implements VectorSource {
        @Override
        public int dimension() {
            return v[0].length;
        }

        @Override
        public int maxOrdinal() {
            return v.length;
        }

        @Override
        public boolean isLive(int ordinal) {
            return ordinal >= 0 && ordinal < v.length;
        }

        @Override
        public void copyVector(int ordinal, float[] target) {
            System.arraycopy(v[ordinal], 0, target, 0, target.length);
        }
    }
}
