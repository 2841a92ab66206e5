package dev.caracal.vector.store.internal;

import dev.caracal.llm.LlmProperties;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.Edge;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.Metric;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.testkit.HashingEmbeddingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The data directory in {@code src/test/resources/legacy-data/}, written by this class running against the store as
 * it was before collections belonged to tenants (commit d2c0f8f, layout {@code collections/<name>/}), so that {@code
 * LegacyLayoutUpgradeTest} proves every later version finds all of it under the tenant {@code default}.
 *
 * <p>Three collections: {@code docs} (text embedded by the {@code hash-8} test model, metadata, one record deleted,
 * the {@code exact-test} index plugin and the {@code words-test} text-index plugin, both persisted when the store
 * stopped), {@code points} (three-dimensional L2 vectors with metadata and edges, the flat index) and {@code default}
 * (a collection whose name is the default tenant's, the one move that cannot be a single rename). It uses only the
 * {@code VectorStore} API and the standalone store, so it runs against any version; running it again with a later
 * version would prove nothing, so never regenerate the files. Usage: {@code LegacyDataFixtures <output directory>}.
 */
final class LegacyDataFixtures {
    static final String MODEL = "hash-8";
    static final int DOCS = 12;
    /** The record of {@code docs} deleted after it was written. */
    static final String DELETED = "doc-5";

    private LegacyDataFixtures() {}

    /** The text of record {@code doc-i}: word pairs that keyword search tells apart. */
    static String docText(int i) {
        return "document " + i + " about " + (i % 3 == 0 ? "compilers and loops" : i % 3 == 1 ? "gardens" : "rivers");
    }

    /** The vector of record {@code p<i>} of {@code points}. */
    static float[] point(int i) {
        return new float[] {i, i * 0.5f, -i};
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        if (Files.exists(out)) {
            throw new IllegalStateException(out + " exists; give a new directory");
        }
        HashingEmbeddingModel model = new HashingEmbeddingModel(MODEL, 8);
        TestIndexFactory index = new TestIndexFactory();
        TestTextIndexFactory words = new TestTextIndexFactory();
        VectorStoreComponent store = new VectorStoreComponent();
        store.bindEmbeddingModel(model, Map.of(LlmProperties.EMBEDDING_MODEL, MODEL));
        store.bindIndexFactory(index, Map.of(VectorIndexFactory.TYPE_PROPERTY, TestIndexFactory.TYPE));
        store.bindTextIndexFactory(words);
        store.start(new StoreSettings(out, 1, 100, 100, 512, 1, 1));
        try {
            store.createCollection(new CollectionSpec(
                    "docs", 0, Metric.COSINE, MODEL, new IndexSpec(TestIndexFactory.TYPE, Map.of("m", 4))));
            List<VectorRecord> docs = new ArrayList<>();
            for (int i = 0; i < DOCS; i++) {
                docs.add(new VectorRecord(
                        "doc-" + i, null, Map.of("n", i, "topic", "t" + (i % 3)), docText(i), List.of()));
            }
            store.upsert("docs", docs);
            store.delete("docs", List.of(DELETED));

            store.createCollection(new CollectionSpec("points", 3, Metric.L2, null, IndexSpec.FLAT_SPEC));
            List<VectorRecord> points = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                points.add(new VectorRecord(
                        "p" + i,
                        point(i),
                        Map.of("even", i % 2 == 0),
                        null,
                        i > 1 ? List.of(new Edge("p" + (i - 1), "next", 1.0)) : List.of()));
            }
            store.upsert("points", points);

            store.createCollection(new CollectionSpec("default", 2, Metric.DOT, null, IndexSpec.FLAT_SPEC));
            store.upsert(
                    "default",
                    List.of(
                            new VectorRecord("x", new float[] {1, 0}, Map.of(), "along x", List.of()),
                            new VectorRecord("y", new float[] {0, 1}, Map.of(), "along y", List.of())));

            long deadline = System.nanoTime() + 30_000_000_000L;
            while (store.describe("docs").index().status() != IndexStatus.READY
                    || store.describe("docs").textIndex() == null
                    || store.describe("docs").textIndex().status() != IndexStatus.READY) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the indexes of docs never became ready");
                }
                Thread.sleep(10);
            }
        } finally {
            store.stop(); // persists both plugins' files: the next start resumes them
        }
    }
}
