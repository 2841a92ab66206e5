package dev.caracal.benchmarks.vector;

import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The int8 flat index against the exact float scan, same store, same data and queries, one run, as JMH benchmarks:
 * QPS with the scan on one thread and on every core, recall@10 of int8 (with its default re-ranking) against the
 * exact answers, and the memory the codes take. Data: clustered Gaussian vectors (100 centres), which is closer to
 * embeddings than uniform noise.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Xmx4g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *   dev.caracal.benchmarks.vector.QuantizedFlatBenchmark [records=100000] [dim=384] [metric=cosine] [seconds=10]
 * </pre>
 * {@code seconds} is the measured time of each method (5 iterations) after 3 warm-up iterations of a fifth of it.
 */
public class QuantizedFlatBenchmark {
    private static final int K = 10;
    private static final int QUERIES = 300;
    private static final IndexSpec INT8 = new IndexSpec(IndexSpec.FLAT, Map.of("quantization", "int8"));

    /** Clustered vectors and queries around the same 100 centres. */
    @State(Scope.Benchmark)
    public static class Data {
        @Param("100000")
        public int records;

        @Param("384")
        public int dim;

        @Param("cosine")
        public String metric;

        float[][] vectors;
        float[][] queries;

        @Setup
        public void generate() {
            SplittableRandom random = new SplittableRandom(11);
            float[][] centres = Stores.uniform(random, 100, dim);
            vectors = new float[records][];
            for (int i = 0; i < records; i++) {
                vectors[i] = around(centres[random.nextInt(centres.length)], random, 0.35);
            }
            queries = new float[QUERIES][];
            for (int i = 0; i < queries.length; i++) {
                queries[i] = around(centres[random.nextInt(centres.length)], random, 0.35);
            }
        }

        Metric metric() {
            return Metric.parse("metric", metric);
        }
    }

    /** Collections "exact" (float scan) and "int8" holding the same data, in a store of {@code scanThreads}. */
    abstract static class TwoCollections {
        VectorStoreComponent store;
        Path dir;

        void load(Data data, int scanThreads) throws Exception {
            dir = Files.createTempDirectory("caracal-int8");
            store = Stores.open(dir, scanThreads);
            Stores.load(store, "exact", data.metric(), IndexSpec.FLAT_SPEC, data.vectors);
            Stores.load(store, "int8", data.metric(), INT8, data.vectors);
        }

        int search(String collection, Data data, QueryCursor cursor) {
            return store.search(collection, SearchRequest.ofVector(cursor.next(data.queries), K, null))
                    .hits()
                    .size();
        }

        @TearDown
        public void close() throws Exception {
            store.stop();
            Stores.deleteRecursively(dir);
        }
    }

    /** Scans on the calling thread only; measured with one query thread. */
    @State(Scope.Benchmark)
    public static class OneScanThread extends TwoCollections {
        @Setup
        public void load(Data data) throws Exception {
            load(data, 1);
        }
    }

    /** Scans on every core; measured with one query thread per core. Prints int8's recall against the exact scan. */
    @State(Scope.Benchmark)
    public static class AllCores extends TwoCollections {
        @Setup
        public void load(Data data) throws Exception {
            load(data, Runtime.getRuntime().availableProcessors());
            int found = 0;
            for (float[] q : data.queries) {
                Set<String> truth = new HashSet<>();
                for (SearchHit h : store.search("exact", SearchRequest.ofVector(q, K, null))
                        .hits()) {
                    truth.add(h.id());
                }
                for (SearchHit h :
                        store.search("int8", SearchRequest.ofVector(q, K, null)).hits()) {
                    found += truth.contains(h.id()) ? 1 : 0;
                }
            }
            System.out.printf(
                    "recall@10 of int8 (rerank 10) against the exact scan: %.4f%n",
                    found / (double) (K * data.queries.length));
        }
    }

    @Benchmark
    public int exactOneScanThread(Data data, OneScanThread store, QueryCursor cursor) {
        return store.search("exact", data, cursor);
    }

    @Benchmark
    public int int8OneScanThread(Data data, OneScanThread store, QueryCursor cursor) {
        return store.search("int8", data, cursor);
    }

    @Benchmark
    public int exactAllCores(Data data, AllCores store, QueryCursor cursor) {
        return store.search("exact", data, cursor);
    }

    @Benchmark
    public int int8AllCores(Data data, AllCores store, QueryCursor cursor) {
        return store.search("int8", data, cursor);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> params = Map.of(
                "records", args.length > 0 ? args[0] : "100000",
                "dim", args.length > 1 ? args[1] : "384",
                "metric", args.length > 2 ? args[2] : "cosine");
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 10;
        int cores = Runtime.getRuntime().availableProcessors();
        int dim = Integer.parseInt(params.get("dim"));
        Metric metric = Metric.parse("metric", params.get("metric"));
        System.out.printf(
                "%s x %d, %s, k=%d, %d cores, ~%.0f s per measurement%n",
                params.get("records"), dim, metric.id(), K, cores, seconds);
        List<Jmh.Score> one =
                Jmh.run(QuantizedFlatBenchmark.class, "exactOneScanThread|int8OneScanThread", 1, params, seconds);
        List<Jmh.Score> many =
                Jmh.run(QuantizedFlatBenchmark.class, "exactAllCores|int8AllCores", cores, params, seconds);
        System.out.println();
        for (List<Jmh.Score> scores : List.of(one, many)) {
            for (Jmh.Score s : scores) {
                System.out.printf(
                        "%-20s %d query thread(s) %9.1f QPS ± %.1f%n", s.method(), s.threads(), s.score(), s.error());
            }
        }
        System.out.printf(
                "%nint8 / exact: %.2fx on one scan thread, %.2fx on %d query threads%n",
                Jmh.score(one, "int8OneScanThread") / Jmh.score(one, "exactOneScanThread"),
                Jmh.score(many, "int8AllCores") / Jmh.score(many, "exactAllCores"),
                cores);
        System.out.printf(
                "bytes scanned per vector: exact %d, int8 %d (codes, scale%s); the floats are read "
                        + "only for the %d re-ranked candidates%n",
                dim * 4, dim + 4 + (metric == Metric.L2 ? 4 : 0), metric == Metric.L2 ? ", squared norm" : "", K * 10);
    }

    private static float[] around(float[] centre, SplittableRandom random, double spread) {
        float[] v = new float[centre.length];
        for (int d = 0; d < v.length; d++) {
            v[d] = (float) (centre[d] + spread * (random.nextDouble() * 2 - 1));
        }
        return v;
    }
}
