package dev.caracal.benchmarks.vector;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.Metric;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Standalone stores in a temporary directory, loaded with generated vectors, for the vector benchmarks. */
final class Stores {
    private Stores() {}

    /** A store whose exact scans run on {@code scanThreads} threads (the calling thread included). */
    static VectorStoreComponent open(Path dir, int scanThreads) {
        return VectorStoreComponent.standalone(new StoreSettings(dir, scanThreads, 0, 0, 0, 0, 0));
    }

    /** Creates {@code collection} and inserts {@code vectors} as records r0, r1, ...; waits until its index is ready. */
    static void load(VectorStoreComponent store, String collection, Metric metric, IndexSpec index, float[][] vectors)
            throws InterruptedException {
        store.createCollection(new CollectionSpec(collection, vectors[0].length, metric, null, index));
        for (int from = 0; from < vectors.length; from += 10_000) {
            List<VectorRecord> batch = new ArrayList<>();
            for (int i = from; i < Math.min(vectors.length, from + 10_000); i++) {
                batch.add(new VectorRecord("r" + i, vectors[i], Map.of(), null, null));
            }
            store.upsert(collection, batch);
        }
        while (store.describe(collection).index().status() != IndexStatus.READY) {
            Thread.sleep(10);
        }
    }

    /** {@code count} vectors with coordinates uniform in [-1, 1). */
    static float[][] uniform(SplittableRandom random, int count, int dim) {
        float[][] out = new float[count][dim];
        for (float[] v : out) {
            for (int d = 0; d < dim; d++) {
                v[d] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        return out;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
