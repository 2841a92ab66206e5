package dev.caracal.benchmarks.retrieval;

import dev.caracal.llm.LlmProperties;
import dev.caracal.llm.embeddings.onnx.internal.AllMiniLmEmbeddingModel;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.Fusion;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchMode;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import dev.caracal.vector.text.bm25.internal.Bm25TextIndexFactory;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Retrieval quality on CACM, one run, every search mode: every document (title, abstract, authors) becomes one record
 * of a durable cosine collection, embedded by the store through the embedded all-MiniLM-L6-v2 model and indexed by
 * the BM25 plugin; each of the 52 judged topics is searched (exact vector scan, k = 1000) by vector, by keyword, and
 * hybrid (reciprocal rank fusion, and weighted fusion at several alphas); MAP and nDCG@10 against the qrels.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp ... dev.caracal.benchmarks.retrieval.CacmBaseline [shared/data/cacm]</pre>
 */
public final class CacmBaseline {

    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args.length > 0 ? args[0] : "../shared/data/cacm");
        Cacm cacm = Cacm.load(dir);
        System.out.printf(
                Locale.ROOT,
                "CACM: %d documents, %d topics, %d judged%n",
                cacm.documents.size(),
                cacm.topics.size(),
                cacm.qrels.size());

        AllMiniLmEmbeddingModel model = new AllMiniLmEmbeddingModel();
        model.activate(defaults());
        Path data = Files.createTempDirectory("cacm-baseline");
        VectorStoreComponent store = VectorStoreComponent.standalone(
                new StoreSettings(data, Runtime.getRuntime().availableProcessors(), 10_000, 10_000, 512, 16, 1));
        store.bindEmbeddingModel(model, Map.of(LlmProperties.EMBEDDING_MODEL, model.name()));
        store.bindTextIndexFactory(new Bm25TextIndexFactory());
        try {
            store.createCollection(new CollectionSpec("cacm", 0, Metric.COSINE, model.name(), IndexSpec.FLAT_SPEC));
            long t0 = System.nanoTime();
            List<VectorRecord> batch = new ArrayList<>();
            for (Map.Entry<String, String> doc : cacm.documents.entrySet()) {
                batch.add(new VectorRecord(doc.getKey(), null, Map.of(), doc.getValue(), List.of()));
                if (batch.size() == 64) {
                    store.upsert("cacm", batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                store.upsert("cacm", batch);
            }
            double ingestSecs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "ingested %d documents in %.1f s (%.0f docs/s, embedding included)%n",
                    store.count("cacm"),
                    ingestSecs,
                    store.count("cacm") / ingestSecs);

            while (store.describe("cacm").textIndex() == null
                    || store.describe("cacm").textIndex().status() != IndexStatus.READY) {
                Thread.sleep(20);
            }
            List<String> topics = cacm.judgedTopics();
            System.out.printf(
                    Locale.ROOT,
                    "%d judged topics, k = 1000%n%-44s %7s %8s%n",
                    topics.size(),
                    "mode",
                    "MAP",
                    "nDCG@10");
            evaluate(store, cacm, topics, "vector (all-minilm-l6-v2, exact cosine)", SearchMode.VECTOR, null);
            evaluate(store, cacm, topics, "keyword (bm25, english analyzer)", SearchMode.KEYWORD, null);
            evaluate(store, cacm, topics, "hybrid, reciprocal rank fusion (k=60)", SearchMode.HYBRID, Fusion.DEFAULT);
            for (double alpha : new double[] {0.3, 0.5, 0.7}) {
                evaluate(
                        store,
                        cacm,
                        topics,
                        "hybrid, weighted, alpha " + alpha,
                        SearchMode.HYBRID,
                        new Fusion(Fusion.Method.WEIGHTED, alpha, Fusion.DEFAULT_RRF_K, 0));
            }
        } finally {
            store.stop();
            model.deactivate();
        }
    }

    private static void evaluate(
            VectorStoreComponent store, Cacm cacm, List<String> topics, String label, SearchMode mode, Fusion fusion) {
        double sumAp = 0;
        double sumNdcg = 0;
        for (String topic : topics) {
            List<String> ranking = new ArrayList<>();
            SearchRequest request =
                    new SearchRequest(null, cacm.topics.get(topic), 1000, null, mode, null, false, fusion);
            for (SearchHit hit : store.search("cacm", request).hits()) {
                ranking.add(hit.id());
            }
            sumAp += Cacm.averagePrecision(ranking, cacm.qrels.get(topic));
            sumNdcg += Cacm.ndcg(ranking, cacm.qrels.get(topic), 10);
        }
        System.out.printf(Locale.ROOT, "%-44s %7.4f %8.4f%n", label, sumAp / topics.size(), sumNdcg / topics.size());
    }

    private static AllMiniLmEmbeddingModel.Config defaults() {
        return (AllMiniLmEmbeddingModel.Config) Proxy.newProxyInstance(
                CacmBaseline.class.getClassLoader(),
                new Class<?>[] {AllMiniLmEmbeddingModel.Config.class},
                (proxy, method, args) -> method.getName().equals("annotationType")
                        ? AllMiniLmEmbeddingModel.Config.class
                        : method.getDefaultValue());
    }
}
