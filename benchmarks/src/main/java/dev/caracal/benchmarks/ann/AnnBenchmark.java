package dev.caracal.benchmarks.ann;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Side-by-side ANN benchmark on Fashion-MNIST (L2): every contender gets the same base vectors, queries and thread
 * counts in one JVM. Ground truth is a plain exact loop (double-free float L2, all base vectors). Recall@k counts a
 * returned id as correct when its exact distance is within the k-th true distance (ties count).
 *
 * <pre>--base N --queries Q --k 10 --threads T --only a,b --data DIR --out DIR --doc FILE --png FILE</pre>
 */
public final class AnnBenchmark {
    record Point(String contender, String filter, int threads, int knob, double recall, double qps) {
    }

    record BuildInfo(String contender, String knobName, double seconds, double vectorsPerSecond, double bytesPerVector,
                     double hotBytesPerVector, String note) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int nBase = Integer.parseInt(a.getOrDefault("base", "60000"));
        int nQueries = Integer.parseInt(a.getOrDefault("queries", "1000"));
        int k = Integer.parseInt(a.getOrDefault("k", "10"));
        int threads = Integer.parseInt(a.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
        Path data = Path.of(a.getOrDefault("data", FashionMnist.DEFAULT_DIR.toString()));
        Path out = Path.of(a.getOrDefault("out", "benchmarks/target/ann"));
        Path doc = Path.of(a.getOrDefault("doc", "docs/ann-benchmarks.md"));
        Path png = Path.of(a.getOrDefault("png", "docs/ann-recall-qps.png"));
        Set<String> only = a.containsKey("only") ? Set.of(a.get("only").split(",")) : null;
        String command = a.getOrDefault("command", "benchmarks/scripts/ann.sh " + String.join(" ", args));

        long t0 = System.nanoTime();
        float[][] base = FashionMnist.train(data, nBase);
        float[][] queries = FashionMnist.test(data, nQueries);
        nBase = base.length;
        nQueries = queries.length;
        int dim = base[0].length;
        log("Fashion-MNIST: %d base x %d dims, %d queries, k=%d, %d query threads (+1), %d cores", nBase, dim,
                nQueries, k, threads, Runtime.getRuntime().availableProcessors());

        // filters: random labels 0..99; 1% = label 0, 10% = labels 0..9
        int[] labels = new Random(7).ints(nBase, 0, 100).toArray();
        BitSet f1 = new BitSet(nBase);
        BitSet f10 = new BitSet(nBase);
        for (int i = 0; i < nBase; i++) {
            if (labels[i] == 0) {
                f1.set(i);
            }
            if (labels[i] < 10) {
                f10.set(i);
            }
        }
        long g0 = System.nanoTime();
        GroundTruth gtAll = GroundTruth.compute(base, queries, k, null);
        // filtered runs use the first fq queries (filtered traversal is much slower per query)
        int nFiltered = Math.min(nQueries, Integer.parseInt(a.getOrDefault("filtered-queries", "300")));
        float[][] fQueries = Arrays.copyOf(queries, nFiltered);
        GroundTruth gt10 = GroundTruth.compute(base, fQueries, k, f10);
        GroundTruth gt1 = GroundTruth.compute(base, fQueries, k, f1);
        log("exact ground truth (plain loop, parallel over queries): %.1f s", (System.nanoTime() - g0) / 1e9);

        Path tmp = Files.createTempDirectory("caracal-ann-");
        int[] efs = {10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384};
        int[] nprobes = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64};
        int m = 16;
        int efc = 100;
        List<Contender> contenders = new ArrayList<>();
        contenders.add(new CaracalContender("caracal-hnsw", "hnsw", Map.of("m", m, "efConstruction", efc),
                tmp.resolve("hnsw"), efs));
        contenders.add(new CaracalContender("caracal-hnsw-int8", "hnsw", Map.of("m", m, "efConstruction", efc,
                "quantization", "int8"), tmp.resolve("hnsw-int8"), efs));
        contenders.add(new StoreContender(Map.of("m", m, "efConstruction", efc), tmp.resolve("store"), efs, labels));
        contenders.add(new CaracalContender("caracal-ivf", "ivf", Map.of(), tmp.resolve("ivf"), nprobes));
        contenders.add(new CaracalContender("caracal-ivf-pq", "ivf-pq", Map.of(), tmp.resolve("ivfpq"), nprobes));
        contenders.add(new LuceneContender("lucene-hnsw", false, m, efc, tmp.resolve("lucene"), efs, labels));
        contenders.add(new LuceneContender("lucene-hnsw-sq7", true, m, efc, tmp.resolve("lucene-sq"), efs, labels));
        contenders.add(new JVectorContender(2 * m, efc, efs));
        contenders.add(new HnswlibContender(m, efc, efs));
        if (only != null) {
            contenders.removeIf(c -> !only.contains(c.name()));
        }

        List<Point> points = new ArrayList<>();
        List<BuildInfo> builds = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (Contender c : contenders) {
            System.gc();
            long b0 = System.nanoTime();
            c.build(base);
            double secs = (System.nanoTime() - b0) / 1e9;
            BuildInfo bi = new BuildInfo(c.name(), c.knobName(), secs, nBase / secs, c.bytes() / (double) nBase,
                    c.hotBytes() / (double) nBase, c.note());
            builds.add(bi);
            log("%s: built in %.1f s (%.0f vectors/s), %.0f bytes/vector (%.0f hot)", c.name(), secs,
                    bi.vectorsPerSecond(), bi.bytesPerVector(), bi.hotBytesPerVector());
            int[] knobs = c.knobs();
            long w0 = System.nanoTime();
            do { // warm-up (JIT), at least a second
                run(c, queries, k, knobs[knobs.length / 2], null, 0, 1, pool);
                run(c, queries, k, knobs[0], null, 0, threads, pool);
            } while (System.nanoTime() - w0 < 1_000_000_000L);
            for (int knob : knobs) {
                for (int t : threads > 1 ? new int[] {1, threads} : new int[] {1}) {
                    double[] rq = run(c, queries, k, knob, null, 0, t, pool);
                    double recall = gtAll.recall(base, queries, rq, k);
                    points.add(new Point(c.name(), "none", t, knob, recall, rq[rq.length - 1]));
                    if (t == 1) {
                        log("  %s=%d  recall@%d %.4f  %.0f QPS (1 thread)", c.knobName(), knob, k, recall,
                                rq[rq.length - 1]);
                    }
                }
                if (gtAll.lastRecall >= 0.999) {
                    break; // the curve is flat from here
                }
            }
            if (c.supportsFilter()) {
                for (int knob : filterKnobs(c)) {
                    for (Object[] f : new Object[][] {{"10%", f10, gt10}, {"1%", f1, gt1}}) {
                        BitSet bits = (BitSet) f[1];
                        double[] rq = run(c, fQueries, k, knob, bits, bits.cardinality(), 1, pool);
                        double recall = ((GroundTruth) f[2]).recall(base, fQueries, rq, k);
                        points.add(new Point(c.name(), (String) f[0], 1, knob, recall, rq[rq.length - 1]));
                        log("  filter %s %s=%d  recall@%d %.4f  %.0f QPS", f[0], c.knobName(), knob, k, recall,
                                rq[rq.length - 1]);
                    }
                }
            }
            c.close();
        }
        pool.shutdown();
        double total = (System.nanoTime() - t0) / 1e9;
        Report.write(out, doc, png, points, builds, nBase, nQueries, nFiltered, dim, k, threads, command, total);
        deleteTree(tmp);
        log("done in %.0f s: %s, %s, %s", total, out.resolve("ann-results.csv"), doc, png);
    }

    /** Each measured point runs whole query passes for at least this long. */
    static final long MIN_NANOS = Long.getLong("ann.minMillis", 400) * 1_000_000L;

    static int[] filterKnobs(Contender c) {
        return c.knobName().equals("nprobe") ? new int[] {16, 64} : new int[] {64, 256};
    }

    /**
     * Runs every query at one knob on {@code threads} threads; returns the result ids packed per query
     * (k slots, -1 padded) followed by the QPS in the last slot (as a double array for simplicity).
     */
    static double[] run(Contender c, float[][] queries, int k, int knob, BitSet filter, int filterCount, int threads,
                        ExecutorService pool) throws Exception {
        int n = queries.length;
        double[] res = new double[n * k + 1];
        Arrays.fill(res, -1);
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            int q;
            while ((q = next.getAndIncrement()) < n) {
                try {
                    int[] ids = c.search(queries[q], k, knob, filter, filterCount);
                    for (int j = 0; j < Math.min(k, ids.length); j++) {
                        res[q * k + j] = ids[j];
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }
        };
        long s = System.nanoTime();
        long done = 0;
        long elapsed;
        do { // whole passes over the queries until MIN_NANOS have passed (results of the last pass are kept)
            next.set(0);
            if (threads == 1) {
                worker.run();
            } else {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    fs.add(pool.submit(worker));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            }
            done += n;
            elapsed = System.nanoTime() - s;
        } while (elapsed < MIN_NANOS);
        res[n * k] = done / (elapsed / 1e9);
        return res;
    }

    /** Exact k nearest (squared L2) among the accepted base vectors, for every query. */
    static final class GroundTruth {
        final float[] kthDistance;
        double lastRecall;

        private GroundTruth(float[] kth) {
            this.kthDistance = kth;
        }

        static GroundTruth compute(float[][] base, float[][] queries, int k, BitSet filter) {
            float[] kth = new float[queries.length];
            IntStream.range(0, queries.length).parallel().forEach(q -> {
                float[] best = new float[k];
                Arrays.fill(best, Float.POSITIVE_INFINITY);
                for (int i = 0; i < base.length; i++) {
                    if (filter != null && !filter.get(i)) {
                        continue;
                    }
                    float d = l2(queries[q], base[i]);
                    if (d < best[k - 1]) {
                        int j = k - 1;
                        while (j > 0 && best[j - 1] > d) {
                            best[j] = best[j - 1];
                            j--;
                        }
                        best[j] = d;
                    }
                }
                kth[q] = best[k - 1];
            });
            return new GroundTruth(kth);
        }

        /** Mean recall@k of packed results (see {@link #run}). */
        double recall(float[][] base, float[][] queries, double[] res, int k) {
            long hits = 0;
            for (int q = 0; q < queries.length; q++) {
                float limit = kthDistance[q] * (1 + 1e-5f) + 1e-3f;
                BitSet seen = new BitSet();
                for (int j = 0; j < k; j++) {
                    int id = (int) res[q * k + j];
                    if (id >= 0 && id < base.length && !seen.get(id)) {
                        seen.set(id);
                        if (l2(queries[q], base[id]) <= limit) {
                            hits++;
                        }
                    }
                }
            }
            lastRecall = hits / (double) (queries.length * (long) k);
            return lastRecall;
        }
    }

    static float l2(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            float d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    static void log(String fmt, Object... args) {
        System.out.printf(Locale.ROOT, "[%s] %s%n",
                ZonedDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")), String.format(Locale.ROOT, fmt, args));
    }

    static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (var s = Files.walk(p)) {
                s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
