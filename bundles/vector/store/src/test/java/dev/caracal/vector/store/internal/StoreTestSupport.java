package dev.caracal.vector.store.internal;

import dev.caracal.llm.LlmProperties;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.testkit.HashingEmbeddingModel;
import dev.caracal.vector.text.TextIndexFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real store in a temporary directory, restarted as tests need, plus record and vector helpers. */
abstract class StoreTestSupport {
    @TempDir
    Path dataDir;

    VectorStoreComponent store;

    @BeforeEach
    void startStore() {
        store = VectorStoreComponent.standalone(settings());
    }

    @AfterEach
    void stopStore() {
        if (store != null) {
            store.stop();
        }
    }

    StoreSettings settings() {
        return new StoreSettings(dataDir, 4, 10_000, 10_000, 512, 4, 1);
    }

    /** Stops and starts a new store instance on the same directory, rebinding the given plugins. */
    void restart(Object... plugins) {
        store.stop();
        store = new VectorStoreComponent();
        bindAll(plugins);
        store.start(settings());
    }

    void bindAll(Object... plugins) {
        for (Object p : plugins) {
            if (p instanceof HashingEmbeddingModel m) {
                store.bindEmbeddingModel(m, Map.of(LlmProperties.EMBEDDING_MODEL, m.name()));
            } else if (p instanceof VectorIndexFactory f) {
                store.bindIndexFactory(f, Map.of(VectorIndexFactory.TYPE_PROPERTY, f.type()));
            } else if (p instanceof TextIndexFactory f) {
                store.bindTextIndexFactory(f);
            }
        }
    }

    CollectionInfo create(String name, int dimension, Metric metric) {
        return store.createCollection(new CollectionSpec(name, dimension, metric, null, IndexSpec.FLAT_SPEC));
    }

    static float[] randomVector(Random random, int dimension) {
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** Makes record number {@code i} around its random vector. */
    interface RecordMaker {
        VectorRecord make(int i, float[] vector);
    }

    /** Records {@code from} to {@code from + count - 1}, each made by {@code maker} with the next random vector. */
    static List<VectorRecord> randomRecords(Random random, int from, int count, int dimension, RecordMaker maker) {
        List<VectorRecord> out = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            out.add(maker.make(i, randomVector(random, dimension)));
        }
        return out;
    }

    /** Records with the id {@code prefix + i}, metadata {@code n} (= i) and {@code group}, and a text. */
    static List<VectorRecord> randomRecords(Random random, String prefix, int from, int count, int dimension) {
        return randomRecords(
                random,
                from,
                count,
                dimension,
                (i, v) -> new VectorRecord(
                        prefix + i, v, Map.of("n", i, "group", "g" + (i % 10)), "text " + i, List.of()));
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** The id of the record nearest to {@code vector} in {@code collection}. */
    String nearest(String collection, float[] vector) {
        return store.search(collection, SearchRequest.ofVector(vector, 1, null))
                .hits()
                .get(0)
                .id();
    }

    IndexStatus indexStatus(String collection) {
        return store.describe(collection).index().status();
    }
}
