package dev.caracal.vector.store.internal;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.math.VectorMath;
import java.nio.file.Files;
import java.util.List;

/** Run by {@link ScalarFallbackTest} in a JVM without the incubator module: prints the kernels in use and a search. */
public final class FallbackMain {
    public static void main(String[] args) throws Exception {
        VectorStoreComponent store =
                VectorStoreComponent.standalone(StoreSettings.defaults(Files.createTempDirectory("fallback")));
        store.createCollection(new CollectionSpec("f", 3, Metric.COSINE, null, IndexSpec.FLAT_SPEC));
        store.upsert(
                "f",
                List.of(
                        new VectorRecord("a", new float[] {1, 0, 0}, null, null, null),
                        new VectorRecord("b", new float[] {0, 1, 0}, null, null, null)));
        String top = store.search("f", SearchRequest.ofVector(new float[] {0.1f, 1, 0}, 1, null))
                .hits()
                .get(0)
                .id();
        System.out.println(VectorMath.get().name() + " " + top);
        store.stop();
    }
}
