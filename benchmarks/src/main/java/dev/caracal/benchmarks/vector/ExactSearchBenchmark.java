package dev.caracal.benchmarks.vector;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exact (flat) search QPS through the store versus a plain scalar Java loop over {@code float[][]}, same data, same
 * queries, same run: cosine, k=10, 100k x 384 by default. Each side is measured with one query thread and with one
 * query thread per core. The store's scan itself also uses its search pool (the calling thread included), so a
 * single-threaded query loop through the store already uses every core; the "1 scan thread" line shows the per-core
 * SIMD-versus-scalar kernel difference alone.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" \
 *   dev.caracal.benchmarks.vector.ExactSearchBenchmark [records=100000] [dim=384] [queries=300] [seconds=10]
 * </pre>
 */
public final class ExactSearchBenchmark {
    private static final int K = 10;

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 384;
        int queryCount = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 10;
        int cores = Runtime.getRuntime().availableProcessors();

        SplittableRandom random = new SplittableRandom(7);
        float[][] data = new float[records][dim];
        for (float[] v : data) {
            for (int d = 0; d < dim; d++) {
                v[d] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        float[][] queries = new float[queryCount][dim];
        for (float[] q : queries) {
            for (int d = 0; d < dim; d++) {
                q[d] = (float) (random.nextDouble() * 2 - 1);
            }
        }

        Path dir = Files.createTempDirectory("caracal-search");
        System.out.printf(
                "%,d x %d, cosine, k=%d, %d cores, %d distinct queries, ~%.0f s per measurement%n",
                records, dim, K, cores, queryCount, seconds);
        // the default store: scans use every core; a second store whose scans stay on the calling thread
        VectorStoreComponent store =
                VectorStoreComponent.standalone(new StoreSettings(dir.resolve("all"), cores, 0, 0, 0, 0, 0));
        VectorStoreComponent single =
                VectorStoreComponent.standalone(new StoreSettings(dir.resolve("one"), 1, 0, 0, 0, 0, 0));
        try {
            for (VectorStoreComponent s : List.of(store, single)) {
                s.createCollection(new CollectionSpec("bench", dim, Metric.COSINE, null, IndexSpec.FLAT_SPEC));
                for (int from = 0; from < records; from += 10_000) {
                    List<VectorRecord> batch = new ArrayList<>();
                    for (int i = from; i < Math.min(records, from + 10_000); i++) {
                        batch.add(new VectorRecord("r" + i, data[i], Map.of(), null, null));
                    }
                    s.upsert("bench", batch);
                }
            }

            // the baseline: normalize once, then dot products in a plain loop with a small top-k array
            float[][] unit = new float[records][];
            for (int i = 0; i < records; i++) {
                unit[i] = normalized(data[i]);
            }
            Query plain = q -> plainTopK(unit, normalized(q));
            Query viaStore = q -> store.search("bench", SearchRequest.ofVector(q, K, null))
                    .hits()
                    .size();
            Query viaStoreOneThread = q -> single.search("bench", SearchRequest.ofVector(q, K, null))
                    .hits()
                    .size();

            // same answers?
            int agree = 0;
            for (int i = 0; i < 20; i++) {
                var hits = store.search("bench", SearchRequest.ofVector(queries[i], K, null))
                        .hits();
                int[] expected = plainTopKIds(unit, normalized(queries[i]));
                agree += hits.get(0).id().equals("r" + expected[0]) ? 1 : 0;
            }
            System.out.printf("top-1 agreement store vs plain loop: %d/20%n", agree);

            double plain1 = measure("plain scalar loop, 1 query thread", plain, queries, 1, seconds);
            double store1 =
                    measure("store, 1 query thread (scan on " + cores + " threads)", viaStore, queries, 1, seconds);
            double storeOne = measure("store, 1 query thread, 1 scan thread", viaStoreOneThread, queries, 1, seconds);
            double plainN = measure("plain scalar loop, " + cores + " query threads", plain, queries, cores, seconds);
            double storeN = measure("store, " + cores + " query threads", viaStore, queries, cores, seconds);
            double storeOneN = measure(
                    "store, " + cores + " query threads, 1 scan thread each",
                    viaStoreOneThread,
                    queries,
                    cores,
                    seconds);
            System.out.println();
            System.out.printf(
                    "single query thread: store %.1f QPS vs plain %.1f QPS -> %.2fx (same single core: " + "%.2fx)%n",
                    store1, plain1, store1 / plain1, storeOne / plain1);
            System.out.printf(
                    "all cores:           store %.1f QPS vs plain %.1f QPS -> %.2fx (1 scan thread per "
                            + "query: %.2fx)%n",
                    storeN, plainN, storeN / plainN, storeOneN / plainN);
        } finally {
            store.stop();
            single.stop();
            VectorIngestBenchmark.deleteRecursively(dir);
        }
    }

    interface Query {
        int run(float[] q);
    }

    static double measure(String label, Query query, float[][] queries, int threads, double seconds)
            throws InterruptedException {
        // warm up (JIT, SIMD intrinsics)
        long warmEnd = System.nanoTime() + (long) (Math.min(3, seconds / 3) * 1e9);
        for (int i = 0; System.nanoTime() < warmEnd; i++) {
            query.run(queries[i % queries.length]);
        }
        AtomicInteger done = new AtomicInteger();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long t0 = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t * 7;
            Thread th = new Thread(() -> {
                int i = offset;
                while (System.nanoTime() < end) {
                    query.run(queries[i++ % queries.length]);
                    done.incrementAndGet();
                }
            });
            th.start();
            workers.add(th);
        }
        for (Thread th : workers) {
            th.join();
        }
        double qps = done.get() / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("%-55s %9.1f QPS%n", label, qps);
        return qps;
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
    static int plainTopK(float[][] unit, float[] q) {
        return plainTopKIds(unit, q).length;
    }

    static int[] plainTopKIds(float[][] unit, float[] q) {
        float[] bestScores = new float[K];
        int[] bestIds = new int[K];
        java.util.Arrays.fill(bestScores, Float.NEGATIVE_INFINITY);
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
