package dev.caracal.benchmarks.vector;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The int8 flat index against the exact float scan, same store, same data and queries, one run: QPS with the scan
 * on one thread and on every core, recall@10 of int8 (with its default re-ranking) against the exact answers, and
 * the memory the codes take. Data: clustered Gaussian vectors (100 centres), which is closer to embeddings than
 * uniform noise.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" \
 *   dev.caracal.benchmarks.vector.QuantizedFlatBenchmark [records=100000] [dim=384] [metric=cosine] [seconds=10]
 * </pre>
 */
public final class QuantizedFlatBenchmark {
    private static final int K = 10;

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 384;
        Metric metric = Metric.parse("metric", args.length > 2 ? args[2] : "cosine");
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 10;
        int cores = Runtime.getRuntime().availableProcessors();

        SplittableRandom random = new SplittableRandom(11);
        float[][] centres = new float[100][dim];
        for (float[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        float[][] data = new float[records][];
        for (int i = 0; i < records; i++) {
            data[i] = around(centres[random.nextInt(centres.length)], random, 0.35);
        }
        float[][] queries = new float[300][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = around(centres[random.nextInt(centres.length)], random, 0.35);
        }

        Path dir = Files.createTempDirectory("caracal-int8");
        System.out.printf(
                "%,d x %d, %s, k=%d, %d cores, ~%.0f s per measurement%n",
                records, dim, metric.id(), K, cores, seconds);
        VectorStoreComponent all =
                VectorStoreComponent.standalone(new StoreSettings(dir.resolve("all"), cores, 0, 0, 0, 0, 0));
        VectorStoreComponent one =
                VectorStoreComponent.standalone(new StoreSettings(dir.resolve("one"), 1, 0, 0, 0, 0, 0));
        IndexSpec int8 = new IndexSpec(IndexSpec.FLAT, Map.of("quantization", "int8"));
        try {
            for (VectorStoreComponent s : List.of(all, one)) {
                s.createCollection(new CollectionSpec("exact", dim, metric, null, IndexSpec.FLAT_SPEC));
                s.createCollection(new CollectionSpec("int8", dim, metric, null, int8));
                for (int from = 0; from < records; from += 10_000) {
                    List<VectorRecord> batch = new ArrayList<>();
                    for (int i = from; i < Math.min(records, from + 10_000); i++) {
                        batch.add(new VectorRecord("r" + i, data[i], Map.of(), null, null));
                    }
                    s.upsert("exact", batch);
                    s.upsert("int8", batch);
                }
                while (s.describe("int8").index().status() != IndexStatus.READY) {
                    Thread.sleep(10);
                }
            }
            int found = 0;
            for (float[] q : queries) {
                Set<String> truth = new HashSet<>();
                for (SearchHit h :
                        all.search("exact", SearchRequest.ofVector(q, K, null)).hits()) {
                    truth.add(h.id());
                }
                for (SearchHit h :
                        all.search("int8", SearchRequest.ofVector(q, K, null)).hits()) {
                    found += truth.contains(h.id()) ? 1 : 0;
                }
            }
            System.out.printf(
                    "recall@10 of int8 (rerank 10) against the exact scan: %.4f%n",
                    found / (double) (K * queries.length));

            double e1 = ExactSearchBenchmark.measure(
                    "exact float scan, 1 scan thread",
                    q -> one.search("exact", SearchRequest.ofVector(q, K, null))
                            .hits()
                            .size(),
                    queries,
                    1,
                    seconds);
            double q1 = ExactSearchBenchmark.measure(
                    "int8 scan + re-rank, 1 scan thread",
                    q -> one.search("int8", SearchRequest.ofVector(q, K, null))
                            .hits()
                            .size(),
                    queries,
                    1,
                    seconds);
            double eN = ExactSearchBenchmark.measure(
                    "exact float scan, " + cores + " query threads",
                    q -> all.search("exact", SearchRequest.ofVector(q, K, null))
                            .hits()
                            .size(),
                    queries,
                    cores,
                    seconds);
            double qN = ExactSearchBenchmark.measure(
                    "int8 scan + re-rank, " + cores + " query threads",
                    q -> all.search("int8", SearchRequest.ofVector(q, K, null))
                            .hits()
                            .size(),
                    queries,
                    cores,
                    seconds);
            System.out.printf(
                    "%nint8 / exact: %.2fx on one scan thread, %.2fx on %d query threads%n", q1 / e1, qN / eN, cores);
            System.out.printf(
                    "bytes scanned per vector: exact %d, int8 %d (codes, scale%s); the floats are read "
                            + "only for the %d re-ranked candidates%n",
                    dim * 4,
                    dim + 4 + (metric == Metric.L2 ? 4 : 0),
                    metric == Metric.L2 ? ", squared norm" : "",
                    K * 10);
        } finally {
            all.stop();
            one.stop();
            VectorIngestBenchmark.deleteRecursively(dir);
        }
    }

    private static float[] around(float[] centre, SplittableRandom random, double spread) {
        float[] v = new float[centre.length];
        for (int d = 0; d < v.length; d++) {
            v[d] = (float) (centre[d] + spread * (random.nextDouble() * 2 - 1));
        }
        return v;
    }
}
