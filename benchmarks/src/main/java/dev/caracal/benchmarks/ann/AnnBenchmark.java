package dev.caracal.benchmarks.ann;

import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
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
 * Side-by-side ANN benchmark: every contender gets the same base vectors, queries and thread counts in one JVM, on
 * Fashion-MNIST (L2) and on CACM embedded with all-MiniLM-L6-v2 (cosine), one data set after the other. Ground truth
 * is a plain exact loop over all base vectors (squared L2, or 1 - dot for the unit-length cosine data). Recall@k
 * counts a returned id as correct when its exact distance is within the k-th true distance (ties count).
 *
 * <pre>--data fashion-mnist|cacm|all --base N --queries Q --k 10 --threads T --only a,b --skip a,b
 * --fashion-dir DIR --cacm-dir DIR --out DIR --doc FILE --png FILE</pre>
 * {@code --base} and {@code --queries} apply to Fashion-MNIST; CACM always uses all documents and topics. The PNG of a
 * data set other than Fashion-MNIST is {@code --png} with {@code -<data>} before the extension.
 */
public final class AnnBenchmark {
    static final String FASHION_TITLE = "Fashion-MNIST, L2";
    static final String CACM_TITLE = "CACM, all-MiniLM-L6-v2, cosine";

    record Point(String contender, String filter, int threads, int knob, double recall, double qps) {}

    record BuildInfo(
            String contender,
            String knobName,
            double seconds,
            double vectorsPerSecond,
            double bytesPerVector,
            double hotBytesPerVector,
            String note) {}

    /** The results of one data set. */
    record DatasetRun(
            Dataset data, int nFiltered, List<Point> points, List<BuildInfo> builds, Path png, double seconds) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int nBase = Integer.parseInt(a.getOrDefault("base", "60000"));
        int nQueries = Integer.parseInt(a.getOrDefault("queries", "1000"));
        int k = Integer.parseInt(a.getOrDefault("k", "10"));
        int threads = Integer.parseInt(
                a.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
        String data = a.getOrDefault("data", "fashion-mnist");
        Path fashionDir = Path.of(a.getOrDefault("fashion-dir", FashionMnist.DEFAULT_DIR.toString()));
        if (!List.of("fashion-mnist", "cacm", "all").contains(data)) { // older usage: --data <Fashion-MNIST dir>
            fashionDir = Path.of(data);
            data = "fashion-mnist";
        }
        Path cacmDir = Path.of(a.getOrDefault("cacm-dir", CacmEmbeddings.DEFAULT_DIR.toString()));
        Path cacheDir = Path.of(a.getOrDefault("cache", "benchmarks/target/ann-cache"));
        Path out = Path.of(a.getOrDefault("out", "benchmarks/target/ann"));
        Path doc = Path.of(a.getOrDefault("doc", "docs/ann-sweep.md"));
        Path png = Path.of(a.getOrDefault("png", "docs/ann-recall-qps.png"));
        Set<String> only = a.containsKey("only") ? Set.of(a.get("only").split(",")) : null;
        Set<String> skip = a.containsKey("skip") ? Set.of(a.get("skip").split(",")) : Set.of();
        int filteredQueries = Integer.parseInt(a.getOrDefault("filtered-queries", "300"));
        String command = a.getOrDefault("command", "benchmarks/scripts/ann.sh " + String.join(" ", args))
                .strip();
        if (a.containsKey("replot")) { // --replot <dir with the CSVs>: redraw the PNGs only
            Report.replot(Path.of(a.get("replot")), png);
            return;
        }

        long t0 = System.nanoTime();
        List<DatasetRun> runs = new ArrayList<>();
        for (String id : data.equals("all") ? List.of("fashion-mnist", "cacm") : List.of(data)) {
            Dataset ds;
            if (id.equals("cacm")) {
                ds = CacmEmbeddings.load(cacmDir, cacheDir);
            } else {
                float[][] base = FashionMnist.train(fashionDir, nBase);
                float[][] queries = FashionMnist.test(fashionDir, nQueries);
                ds = new Dataset(
                        "fashion-mnist",
                        FASHION_TITLE,
                        Metric.L2,
                        base,
                        queries,
                        String.format(
                                Locale.ROOT,
                                "- Data: Fashion-MNIST (Debian `dataset-fashion-mnist`), first %,d training "
                                        + "images as base, first %,d test images as queries, %d dims (pixels 0..255 as floats), "
                                        + "L2.",
                                base.length,
                                queries.length,
                                base[0].length));
            }
            String name = png.getFileName().toString();
            Path dsPng = id.equals("fashion-mnist")
                    ? png
                    : png.resolveSibling(
                            name.contains(".")
                                    ? name.substring(0, name.lastIndexOf('.')) + "-" + id
                                            + name.substring(name.lastIndexOf('.'))
                                    : name + "-" + id);
            runs.add(runDataset(ds, k, threads, filteredQueries, only, skip, dsPng, out));
        }
        double total = (System.nanoTime() - t0) / 1e9;
        Report.write(out, doc, runs, k, threads, command, total);
        log(
                "done in %.0f s: %s, %s",
                total, doc, runs.stream().map(r -> r.png().toString()).toList());
    }

    static DatasetRun runDataset(
            Dataset ds, int k, int threads, int filteredQueries, Set<String> only, Set<String> skip, Path png, Path out)
            throws Exception {
        long t0 = System.nanoTime();
        float[][] base = ds.base();
        float[][] queries = ds.queries();
        int nBase = base.length;
        int nQueries = queries.length;
        int dim = base[0].length;
        log(
                "%s: %d base x %d dims, %d queries, k=%d, %d query threads (+1), %d cores",
                ds.title(),
                nBase,
                dim,
                nQueries,
                k,
                threads,
                Runtime.getRuntime().availableProcessors());

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
        GroundTruth gtAll = GroundTruth.compute(ds, queries, k, null);
        // filtered runs use the first fq queries (filtered traversal is much slower per query)
        int nFiltered = Math.min(nQueries, filteredQueries);
        float[][] fQueries = Arrays.copyOf(queries, nFiltered);
        GroundTruth gt10 = GroundTruth.compute(ds, fQueries, k, f10);
        GroundTruth gt1 = GroundTruth.compute(ds, fQueries, k, f1);
        log("exact ground truth (plain loop, parallel over queries): %.1f s", (System.nanoTime() - g0) / 1e9);

        Path tmp = Files.createTempDirectory("caracal-ann-" + ds.id() + "-");
        Metric metric = ds.metric();
        boolean cosine = ds.cosine();
        int[] efs = {10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384};
        int[] nprobes = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64};
        int[] reranks = {1, 2, 3, 4, 6, 10, 20, 50};
        int[] probes = {0, 1, 2, 4, 8, 16, 32, 64};
        int m = 16;
        int efc = 100;
        Map<String, Object> hnsw = Map.of("m", m, "efConstruction", efc);
        List<Contender> contenders = new ArrayList<>();
        contenders.add(new CaracalContender("caracal-hnsw", "hnsw", hnsw, tmp.resolve("hnsw"), efs, metric));
        contenders.add(new CaracalContender(
                "caracal-hnsw-int8",
                "hnsw",
                Map.of("m", m, "efConstruction", efc, "quantization", "int8"),
                tmp.resolve("hnsw-int8"),
                efs,
                metric));
        contenders.add(new StoreContender(
                "caracal-store-hnsw", new IndexSpec("hnsw", hnsw), "ef", efs, tmp.resolve("store"), labels, metric));
        contenders.add(new StoreContender(
                "caracal-store-flat-int8",
                new IndexSpec("flat", Map.of("quantization", "int8")),
                "rerank",
                reranks,
                tmp.resolve("store-int8"),
                labels,
                metric));
        contenders.add(new StoreContender(
                "caracal-store-flat",
                IndexSpec.FLAT_SPEC,
                "exact",
                new int[] {0},
                tmp.resolve("store-flat"),
                labels,
                metric));
        contenders.add(new CaracalContender("caracal-ivf", "ivf", Map.of(), tmp.resolve("ivf"), nprobes, metric));
        contenders.add(
                new CaracalContender("caracal-ivf-pq", "ivf-pq", Map.of(), tmp.resolve("ivfpq"), nprobes, metric));
        if (CaracalContender.available("lsh")) {
            contenders.add(new CaracalContender("caracal-lsh", "lsh", Map.of(), tmp.resolve("lsh"), probes, metric));
        } else {
            log("caracal-lsh skipped: caracal-vector-index-lsh is not on the class path");
        }
        if (CaracalContender.available("kdtree")) {
            contenders.add(new CaracalContender(
                    "caracal-kdtree", "kdtree", Map.of(), tmp.resolve("kdtree"), new int[] {0}, metric));
        } else {
            log("caracal-kdtree skipped: caracal-vector-index-kdtree is not on the class path");
        }
        contenders.add(new LuceneContender("lucene-hnsw", false, m, efc, tmp.resolve("lucene"), efs, labels, cosine));
        contenders.add(
                new LuceneContender("lucene-hnsw-sq7", true, m, efc, tmp.resolve("lucene-sq"), efs, labels, cosine));
        contenders.add(new JVectorContender(2 * m, efc, efs, cosine));
        contenders.add(new HnswlibContender(m, efc, efs, cosine));
        contenders.removeIf(c -> (only != null && !only.contains(c.name())) || skip.contains(c.name()));

        List<Point> points = new ArrayList<>();
        List<BuildInfo> builds = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (Contender c : contenders) {
            System.gc();
            long b0 = System.nanoTime();
            c.build(base);
            double secs = (System.nanoTime() - b0) / 1e9;
            BuildInfo bi = new BuildInfo(
                    c.name(),
                    c.knobName(),
                    secs,
                    nBase / secs,
                    c.bytes() / (double) nBase,
                    c.hotBytes() / (double) nBase,
                    c.note());
            builds.add(bi);
            log(
                    "%s: built in %.1f s (%.0f vectors/s), %.0f bytes/vector (%.0f hot)",
                    c.name(), secs, bi.vectorsPerSecond(), bi.bytesPerVector(), bi.hotBytesPerVector());
            int[] knobs = c.knobs();
            long w0 = System.nanoTime();
            do { // warm-up (JIT), at least a second
                run(c, queries, k, knobs[knobs.length / 2], null, 0, 1, pool);
                run(c, queries, k, knobs[0], null, 0, threads, pool);
            } while (System.nanoTime() - w0 < 1_000_000_000L);
            for (int knob : knobs) {
                for (int t : threads > 1 ? new int[] {1, threads} : new int[] {1}) {
                    double[] rq = run(c, queries, k, knob, null, 0, t, pool);
                    double recall = gtAll.recall(ds, queries, rq, k);
                    points.add(new Point(c.name(), "none", t, knob, recall, rq[rq.length - 1]));
                    if (t == 1) {
                        log(
                                "  %s=%d  recall@%d %.4f  %.0f QPS (1 thread)",
                                c.knobName(), knob, k, recall, rq[rq.length - 1]);
                    }
                }
                if (gtAll.lastRecall >= 0.999) {
                    break; // the curve is flat from here
                }
            }
            if (c.supportsFilter()) {
                for (int knob : c.filterKnobs()) {
                    for (Object[] f : new Object[][] {{"10%", f10, gt10}, {"1%", f1, gt1}}) {
                        BitSet bits = (BitSet) f[1];
                        double[] rq = run(c, fQueries, k, knob, bits, bits.cardinality(), 1, pool);
                        double recall = ((GroundTruth) f[2]).recall(ds, fQueries, rq, k);
                        points.add(new Point(c.name(), (String) f[0], 1, knob, recall, rq[rq.length - 1]));
                        log(
                                "  filter %s %s=%d  recall@%d %.4f  %.0f QPS",
                                f[0], c.knobName(), knob, k, recall, rq[rq.length - 1]);
                    }
                }
            }
            c.close();
        }
        pool.shutdown();
        deleteTree(tmp);
        double secs = (System.nanoTime() - t0) / 1e9;
        log("%s done in %.0f s", ds.title(), secs);
        return new DatasetRun(ds, nFiltered, points, builds, png, secs);
    }

    /** Each measured point runs whole query passes for at least this long. */
    static final long MIN_NANOS = Long.getLong("ann.minMillis", 400) * 1_000_000L;

    /**
     * Runs every query at one knob on {@code threads} threads; returns the result ids packed per query
     * (k slots, -1 padded) followed by the QPS in the last slot (as a double array for simplicity).
     */
    static double[] run(
            Contender c,
            float[][] queries,
            int k,
            int knob,
            BitSet filter,
            int filterCount,
            int threads,
            ExecutorService pool)
            throws Exception {
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

    /** Exact k nearest (squared L2, or 1 - dot for cosine) among the accepted base vectors, for every query. */
    static final class GroundTruth {
        final float[] kthDistance;
        double lastRecall;

        private GroundTruth(float[] kth) {
            this.kthDistance = kth;
        }

        static GroundTruth compute(Dataset ds, float[][] queries, int k, BitSet filter) {
            float[][] base = ds.base();
            float[] kth = new float[queries.length];
            IntStream.range(0, queries.length).parallel().forEach(q -> {
                float[] best = new float[k];
                Arrays.fill(best, Float.POSITIVE_INFINITY);
                for (int i = 0; i < base.length; i++) {
                    if (filter != null && !filter.get(i)) {
                        continue;
                    }
                    float d = ds.distance(queries[q], base[i]);
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
        double recall(Dataset ds, float[][] queries, double[] res, int k) {
            float[][] base = ds.base();
            long hits = 0;
            for (int q = 0; q < queries.length; q++) {
                // ties and float rounding: squared L2 of pixel vectors is ~1e6, 1 - cos of unit vectors is ~0.1..1
                float limit = ds.cosine() ? kthDistance[q] + 2e-6f : kthDistance[q] * (1 + 1e-5f) + 1e-3f;
                BitSet seen = new BitSet();
                for (int j = 0; j < k; j++) {
                    int id = (int) res[q * k + j];
                    if (id >= 0 && id < base.length && !seen.get(id)) {
                        seen.set(id);
                        if (ds.distance(queries[q], base[id]) <= limit) {
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
        System.out.printf(
                Locale.ROOT,
                "[%s] %s%n",
                ZonedDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")),
                String.format(Locale.ROOT, fmt, args));
    }

    static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (var s = Files.walk(p)) {
                s.sorted((x, y) -> y.getNameCount() - x.getNameCount())
                        .forEach(f -> f.toFile().delete());
            }
        }
    }
}
