package dev.caracal.benchmarks.vector;

import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Exact (flat) search QPS through the store versus a plain scalar Java loop over {@code float[][]}, same data, same
 * queries, same run, as JMH benchmarks: cosine, k=10, 100k x 384 by default. Each side is measured with one query
 * thread and with one query thread per core. The store's scan itself also uses its search pool (the calling thread
 * included), so a single-threaded query loop through the store already uses every core; {@link #storeOneScanThread}
 * shows the per-core SIMD-versus-scalar kernel difference alone.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Xmx4g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *   dev.caracal.benchmarks.vector.ExactSearchBenchmark [records=100000] [dim=384] [queries=300] [seconds=10]
 * </pre>
 * {@code seconds} is the measured time of each method (5 iterations) after 3 warm-up iterations of a fifth of it.
 */
public class ExactSearchBenchmark {
    static final int K = 10;
    private static final String COLLECTION = "bench";

    /** The vectors and queries, uniform in [-1, 1). */
    @State(Scope.Benchmark)
    public static class Data {
        @Param("100000")
        public int records;

        @Param("384")
        public int dim;

        @Param("300")
        public int queryCount;

        float[][] vectors;
        float[][] queries;

        @Setup
        public void generate() {
            SplittableRandom random = new SplittableRandom(7);
            vectors = Stores.uniform(random, records, dim);
            queries = Stores.uniform(random, queryCount, dim);
        }
    }

    /** The baseline's data: every vector normalized once. */
    @State(Scope.Benchmark)
    public static class PlainLoop {
        float[][] unit;

        @Setup
        public void normalize(Data data) {
            unit = new float[data.records][];
            for (int i = 0; i < data.records; i++) {
                unit[i] = normalized(data.vectors[i]);
            }
        }
    }

    /** The data in a store whose scans use every core; checks its answers against the plain loop's once. */
    @State(Scope.Benchmark)
    public static class AllCoresStore {
        VectorStoreComponent store;
        Path dir;

        @Setup
        public void load(Data data) throws Exception {
            dir = Files.createTempDirectory("caracal-search");
            store = Stores.open(dir, Runtime.getRuntime().availableProcessors());
            Stores.load(store, COLLECTION, Metric.COSINE, IndexSpec.FLAT_SPEC, data.vectors);
            PlainLoop plain = new PlainLoop();
            plain.normalize(data);
            int agree = 0;
            for (int i = 0; i < 20; i++) {
                List<SearchHit> hits = store.search(COLLECTION, SearchRequest.ofVector(data.queries[i], K, null))
                        .hits();
                int[] expected = plainTopKIds(plain.unit, normalized(data.queries[i]));
                agree += hits.get(0).id().equals("r" + expected[0]) ? 1 : 0;
            }
            System.out.printf("top-1 agreement store vs plain loop: %d/20%n", agree);
        }

        @TearDown
        public void close() throws Exception {
            store.stop();
            Stores.deleteRecursively(dir);
        }
    }

    /** The data in a store whose scans stay on the calling thread. */
    @State(Scope.Benchmark)
    public static class OneScanThreadStore {
        VectorStoreComponent store;
        Path dir;

        @Setup
        public void load(Data data) throws Exception {
            dir = Files.createTempDirectory("caracal-search");
            store = Stores.open(dir, 1);
            Stores.load(store, COLLECTION, Metric.COSINE, IndexSpec.FLAT_SPEC, data.vectors);
        }

        @TearDown
        public void close() throws Exception {
            store.stop();
            Stores.deleteRecursively(dir);
        }
    }

    @Benchmark
    public int plainScalarLoop(Data data, PlainLoop plain, QueryCursor cursor) {
        return plainTopKIds(plain.unit, normalized(cursor.next(data.queries))).length;
    }

    @Benchmark
    public int store(Data data, AllCoresStore store, QueryCursor cursor) {
        return store.store
                .search(COLLECTION, SearchRequest.ofVector(cursor.next(data.queries), K, null))
                .hits()
                .size();
    }

    @Benchmark
    public int storeOneScanThread(Data data, OneScanThreadStore store, QueryCursor cursor) {
        return store.store
                .search(COLLECTION, SearchRequest.ofVector(cursor.next(data.queries), K, null))
                .hits()
                .size();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> params = Map.of(
                "records", args.length > 0 ? args[0] : "100000",
                "dim", args.length > 1 ? args[1] : "384",
                "queryCount", args.length > 2 ? args[2] : "300");
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 10;
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(
                "%s x %s, cosine, k=%d, %d cores, %s distinct queries, ~%.0f s per measurement%n",
                params.get("records"), params.get("dim"), K, cores, params.get("queryCount"), seconds);
        String all = "plainScalarLoop|store|storeOneScanThread";
        List<Jmh.Score> one = Jmh.run(ExactSearchBenchmark.class, all, 1, params, seconds);
        List<Jmh.Score> many = Jmh.run(ExactSearchBenchmark.class, all, cores, params, seconds);
        System.out.println();
        for (Jmh.Score s : Stream.concat(one.stream(), many.stream()).toList()) {
            System.out.printf(
                    "%-20s %d query thread(s) %9.1f QPS ± %.1f%n", s.method(), s.threads(), s.score(), s.error());
        }
        double plain1 = Jmh.score(one, "plainScalarLoop");
        double plainN = Jmh.score(many, "plainScalarLoop");
        System.out.printf(
                "single query thread: store %.1f QPS vs plain %.1f QPS -> %.2fx (same single core: %.2fx)%n",
                Jmh.score(one, "store"),
                plain1,
                Jmh.score(one, "store") / plain1,
                Jmh.score(one, "storeOneScanThread") / plain1);
        System.out.printf(
                "all cores:           store %.1f QPS vs plain %.1f QPS -> %.2fx (1 scan thread per query: %.2fx)%n",
                Jmh.score(many, "store"),
                plainN,
                Jmh.score(many, "store") / plainN,
                Jmh.score(many, "storeOneScanThread") / plainN);
    }

    static float[] normalized(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        float inv = (float) (1 / Math.sqrt(sum));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }

    /** The baseline a developer would write: a dot product per vector and an insertion into a sorted top-k. */
    static int[] plainTopKIds(float[][] unit, float[] q) {
        float[] bestScores = new float[K];
        int[] bestIds = new int[K];
        Arrays.fill(bestScores, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < unit.length; i++) {
            float[] v = unit[i];
            float s = 0;
            for (int d = 0; d < v.length; d++) {
                s += q[d] * v[d];
            }
            if (s > bestScores[K - 1]) {
                int p = K - 1;
                while (p > 0 && bestScores[p - 1] < s) {
                    bestScores[p] = bestScores[p - 1];
                    bestIds[p] = bestIds[p - 1];
                    p--;
                }
                bestScores[p] = s;
                bestIds[p] = i;
            }
        }
        return bestIds;
    }
}
