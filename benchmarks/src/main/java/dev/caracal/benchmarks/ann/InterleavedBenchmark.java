package dev.caracal.benchmarks.ann;

import dev.caracal.vector.Metric;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The interleaved ANN harness: every contender's index is built once per build round and held in memory, then the
 * query rounds each visit every (contender, knob) pair in a freshly shuffled order, so a burst of load on a shared
 * machine hits every contender alike instead of whichever ran at that minute. Each pair runs whole passes over the
 * query set on one thread for at least {@code --seconds}; recall@k is computed from the returned ids against the
 * exact ground truth of {@link AnnBenchmark}. Ratios are taken per round (QPS at a recall target, interpolated in
 * that round's curve as {@link Report#qpsAt} does) and reported as median and range. Builds are repeated the same
 * way ({@code --builds-<data id>} sets another count for one data set). Beside each round: /proc/loadavg before and after, and the CPU time of this JVM and of the native drivers
 * against the round's wall time.
 *
 * <p>Contenders: Caracal HNSW (the bare index), Caracal through the store, Lucene HNSW, and native peers in their own
 * processes ({@link NativePeer}): hnswlib compiled here, FAISS from Debian's library, Debian's python3-hnswlib (and
 * python3-faiss on request).
 *
 * <pre>--data all|fashion-mnist,cacm,clustered --rounds 5 --seconds 1 --warmup 0.5 --builds 3 --builds-ID N
 * --knobs 10,16,24,32,48,64,96,128 (clustered: also 192..1024) --knobs-ID a,b --targets 0.9,0.95,0.99 --k 10 --m 16 --efc 100 --native-efc 100,200
 * --base 60000 --queries 1000 --clustered 1000000 --clustered-dim 128 --clustered-queries 1000 --clustered-seed 42
 * --only a,b --skip a,b --seed S --native-dir DIR --py-driver FILE --python FILE --native-info FILE
 * --out DIR --doc FILE --cache DIR --fashion-dir DIR --cacm-dir DIR</pre>
 */
public final class InterleavedBenchmark {
    static final String DEFAULT_KNOBS = "10,16,24,32,48,64,96,128";
    /**
     * The clustered set needs a larger ef: at 1M x 128 an efConstruction-100 graph reached recall 0.95 at ef 256 and
     * 0.975 at ef 1024 (2026-12-07).
     */
    static final String DEFAULT_CLUSTERED_KNOBS = DEFAULT_KNOBS + ",192,256,384,512,768,1024";

    /** One measured sample (phase "query": a knob's passes; phase "build": one build, knob = efConstruction). */
    record Row(
            String data,
            String phase,
            int round,
            int order,
            String contender,
            int knob,
            long count,
            double seconds,
            double cpuSeconds,
            double rate,
            double recall,
            long bytes,
            double load1) {}

    /** One round: wall time, /proc/loadavg before and after, CPU seconds of this JVM and of the native drivers. */
    record RoundInfo(
            String data,
            String phase,
            int round,
            double seconds,
            String loadBefore,
            String loadAfter,
            double jvmCpu,
            double nativeCpu) {
        double cpuShare() {
            return (jvmCpu + nativeCpu) / seconds;
        }
    }

    /** What the report needs of one data set. */
    record DataRun(
            Dataset data,
            int[] knobs,
            List<Row> rows,
            List<RoundInfo> rounds,
            Map<String, String> descriptions,
            Map<String, String> knobNames,
            List<String> skipped,
            double seconds) {}

    /** The settings of one run, as the report states them. */
    record Settings(
            int rounds,
            double seconds,
            double warmup,
            int builds,
            int[] knobs,
            double[] targets,
            int k,
            int m,
            int[] efc,
            int[] nativeEfc,
            long seed,
            String command) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        long seed = Long.parseLong(a.getOrDefault("seed", Long.toString(System.currentTimeMillis() % 1_000_000)));
        Settings s = new Settings(
                Integer.parseInt(a.getOrDefault("rounds", "5")),
                Double.parseDouble(a.getOrDefault("seconds", "1")),
                Double.parseDouble(a.getOrDefault("warmup", "0.5")),
                Integer.parseInt(a.getOrDefault("builds", "3")),
                ints(a.getOrDefault("knobs", DEFAULT_KNOBS)),
                Arrays.stream(a.getOrDefault("targets", "0.9,0.95,0.99").split(","))
                        .mapToDouble(Double::parseDouble)
                        .toArray(),
                Integer.parseInt(a.getOrDefault("k", "10")),
                Integer.parseInt(a.getOrDefault("m", "16")),
                ints(a.getOrDefault("efc", "100")),
                ints(a.getOrDefault("native-efc", "100,200")),
                seed,
                a.getOrDefault("command", "benchmarks/scripts/ann-interleaved.sh " + String.join(" ", args))
                        .strip());
        String data = a.getOrDefault("data", "all");
        List<String> ids =
                data.equals("all") ? List.of("fashion-mnist", "cacm", "clustered") : List.of(data.split(","));
        Path out = Path.of(a.getOrDefault("out", "benchmarks/target/ann-interleaved"));
        Path doc = Path.of(a.getOrDefault("doc", "docs/ann-benchmarks.md"));
        Set<String> only = a.containsKey("only") ? Set.of(a.get("only").split(",")) : null;
        Set<String> skip = a.containsKey("skip") ? Set.of(a.get("skip").split(",")) : Set.of();
        Natives natives = new Natives(
                Path.of(a.getOrDefault("native-dir", "benchmarks/target/ann-native")),
                Path.of(a.getOrDefault("py-driver", "benchmarks/src/main/native/ann/py_driver.py")),
                a.getOrDefault("python", "/usr/bin/python3"));
        Path nativeInfo = Path.of(a.getOrDefault(
                "native-info", natives.dir().resolve("build-info.txt").toString()));
        AnnBenchmark.log(
                "interleaved: %s; %d build rounds, %d query rounds of >= %.2f s per (contender, knob), knobs %s, "
                        + "shuffle seed %d",
                ids, s.builds(), s.rounds(), s.seconds(), Arrays.toString(s.knobs()), seed);

        Files.createDirectories(out);
        long t0 = System.nanoTime();
        List<DataRun> runs = new ArrayList<>();
        for (String id : ids) {
            Dataset ds = load(id, a);
            int builds = Integer.parseInt(a.getOrDefault("builds-" + id, Integer.toString(s.builds())));
            int[] knobs = a.containsKey("knobs-" + id)
                    ? ints(a.get("knobs-" + id))
                    : id.equals("clustered") && !a.containsKey("knobs") ? ints(DEFAULT_CLUSTERED_KNOBS) : s.knobs();
            runs.add(runDataset(ds, s, builds, knobs, natives, only, skip, out, new Random(seed ^ id.hashCode())));
            writeCsv(out, runs); // after each data set, so a long run leaves what it measured
        }
        double total = (System.nanoTime() - t0) / 1e9;
        InterleavedReport.write(doc, runs, s, total, nativeInfo);
        AnnBenchmark.log("done in %.0f s: %s, %s", total, doc, out.resolve("samples.csv"));
    }

    /** The data set {@code id} ({@code fashion-mnist}, {@code cacm} or {@code clustered}) as the options say. */
    static Dataset load(String id, Map<String, String> a) throws Exception {
        return switch (id) {
            case "fashion-mnist" -> fashion(a);
            case "cacm" ->
                CacmEmbeddings.load(
                        Path.of(a.getOrDefault("cacm-dir", CacmEmbeddings.DEFAULT_DIR.toString())),
                        Path.of(a.getOrDefault("cache", "benchmarks/target/ann-cache")));
            case "clustered" ->
                ClusteredData.generate(
                        Integer.parseInt(a.getOrDefault("clustered", "1000000")),
                        Integer.parseInt(a.getOrDefault("clustered-queries", "1000")),
                        Integer.parseInt(a.getOrDefault("clustered-dim", "128")),
                        Long.parseLong(a.getOrDefault("clustered-seed", "42")));
            default -> throw new IllegalArgumentException("unknown data set " + id);
        };
    }

    static Dataset fashion(Map<String, String> a) throws IOException {
        Path dir = Path.of(a.getOrDefault("fashion-dir", FashionMnist.DEFAULT_DIR.toString()));
        float[][] base = FashionMnist.train(dir, Integer.parseInt(a.getOrDefault("base", "60000")));
        float[][] queries = FashionMnist.test(dir, Integer.parseInt(a.getOrDefault("queries", "1000")));
        return new Dataset(
                "fashion-mnist",
                AnnBenchmark.FASHION_TITLE,
                Metric.L2,
                base,
                queries,
                String.format(
                        Locale.ROOT,
                        "- Data: Fashion-MNIST (Debian `dataset-fashion-mnist`), first %,d training images as base, "
                                + "first %,d test images as queries, %d dims (pixels 0..255 as floats), L2.",
                        base.length,
                        queries.length,
                        base[0].length));
    }

    /** Where the native drivers are. */
    record Natives(Path dir, Path pyDriver, String python) {}

    static DataRun runDataset(
            Dataset ds,
            Settings s,
            int builds,
            int[] knobs,
            Natives natives,
            Set<String> only,
            Set<String> skipNames,
            Path out,
            Random rnd)
            throws Exception {
        long t0 = System.nanoTime();
        float[][] base = ds.base();
        float[][] queries = ds.queries();
        int k = s.k();
        AnnBenchmark.log(
                "%s: %d base x %d dims, %d queries, k=%d", ds.title(), base.length, ds.dim(), queries.length, k);
        long g0 = System.nanoTime();
        AnnBenchmark.GroundTruth gt = AnnBenchmark.GroundTruth.compute(ds, queries, k, null);
        AnnBenchmark.log("exact ground truth: %.1f s", (System.nanoTime() - g0) / 1e9);

        Path work = Files.createTempDirectory("caracal-ann-interleaved-" + ds.id() + "-");
        Path vectors = out.resolve("vectors");
        Path baseFile = vectors.resolve(ds.id() + "-base.cvf");
        Path queryFile = vectors.resolve(ds.id() + "-queries.cvf");
        VectorFile.write(baseFile, base);
        VectorFile.write(queryFile, queries);

        List<Peer> peers = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<NativePeer> nativePeers = new ArrayList<>();
        java.util.function.Predicate<String> wanted = n -> (only == null || only.contains(n)) && !skipNames.contains(n);
        int[] labels = new Random(7).ints(base.length, 0, 100).toArray(); // the store's metadata, as in ann.sh
        Metric metric = ds.metric();
        int m = s.m();
        for (int efc : s.efc()) {
            String sfx = efc == 100 ? "" : "-efc" + efc;
            for (boolean int8 : new boolean[] {false, true}) {
                String q = int8 ? "-int8" : "";
                Map<String, Object> hnsw = int8
                        ? Map.of("m", m, "efConstruction", efc, "quantization", "int8")
                        : Map.of("m", m, "efConstruction", efc);
                String how = int8
                        ? " with quantization int8 (one byte a dimension in the graph, traversal on the codes; the best "
                                + "ceil(k * 3) candidates re-ranked with the full vectors, so ef is at least 30 at k=10)"
                        : "";
                String bare = "caracal-hnsw" + q + sfx;
                if (wanted.test(bare)) {
                    peers.add(new JvmPeer(
                            bare,
                            "ef",
                            "Caracal HNSW plugin" + how + " used directly (HnswIndexFactory over an in-memory "
                                    + "VectorSource, vectors added one by one on one thread), M=" + m
                                    + ", efConstruction=" + efc + ", metric " + metric,
                            efc,
                            dir -> new CaracalContender(bare, "hnsw", hnsw, dir, knobs, metric),
                            work,
                            base,
                            queries));
                }
                String store = "caracal-store-hnsw" + q + sfx;
                if (wanted.test(store)) {
                    peers.add(new JvmPeer(
                            store,
                            "ef",
                            "the whole store (VectorStoreComponent.standalone, one search thread): durable upserts in "
                                    + "batches of 1,000 with a metadata label, the hnsw plugin bound" + how + " (M="
                                    + m + ", efConstruction=" + efc + "), build time until the index is READY; "
                                    + "searched through VectorStore.search",
                            efc,
                            dir -> new StoreContender(
                                    store,
                                    new dev.caracal.vector.IndexSpec("hnsw", hnsw),
                                    "ef",
                                    knobs,
                                    dir,
                                    labels,
                                    metric),
                            work,
                            base,
                            queries));
                }
            }
            if (wanted.test("lucene-hnsw" + sfx)) {
                peers.add(new JvmPeer(
                        "lucene-hnsw" + sfx,
                        "numCandidates",
                        "Lucene 9.12 Lucene99HnswVectorsFormat (M=" + m + ", beamWidth=" + efc + "), one segment in "
                                + "an FSDirectory (single-threaded IndexWriter, forceMerge(1)), "
                                + (ds.cosine() ? "DOT_PRODUCT on unit vectors" : "EUCLIDEAN")
                                + "; KnnFloatVectorQuery(numCandidates = max(k, knob))",
                        efc,
                        dir -> new LuceneContender("lucene-hnsw" + sfx, false, m, efc, dir, knobs, labels, ds.cosine()),
                        work,
                        base,
                        queries));
            }
        }
        for (int efc : s.nativeEfc()) {
            String sfx = efc == 100 ? "" : "-efc" + efc;
            Path hnswlib = natives.dir().resolve("hnswlib_driver");
            Path faiss = natives.dir().resolve("faiss_driver");
            addNative(
                    peers,
                    nativePeers,
                    skipped,
                    wanted,
                    "hnswlib-native" + sfx,
                    "ef",
                    List.of(hnswlib.toString()),
                    hnswlib,
                    baseFile,
                    queryFile,
                    ds,
                    m,
                    efc,
                    vectors);
            addNative(
                    peers,
                    nativePeers,
                    skipped,
                    wanted,
                    "faiss" + sfx,
                    "efSearch",
                    List.of(faiss.toString()),
                    faiss,
                    baseFile,
                    queryFile,
                    ds,
                    m,
                    efc,
                    vectors);
        }
        // Debian's Python builds: one row each, at efConstruction 100 (faiss-py only when asked for by --only)
        for (String lib : new String[] {"hnswlib", "faiss"}) {
            String name = lib + "-py";
            if (lib.equals("faiss") && (only == null || !only.contains(name))) {
                continue;
            }
            addNative(
                    peers,
                    nativePeers,
                    skipped,
                    wanted,
                    name,
                    lib.equals("faiss") ? "efSearch" : "ef",
                    List.of(natives.python(), natives.pyDriver().toString(), lib),
                    natives.pyDriver(),
                    baseFile,
                    queryFile,
                    ds,
                    m,
                    100,
                    vectors);
        }
        Map<String, String> descriptions = new LinkedHashMap<>();
        Map<String, String> knobNames = new LinkedHashMap<>();
        for (Peer p : peers) {
            descriptions.put(p.name(), p.describe());
            knobNames.put(p.name(), p.knobName());
        }
        int pairs = peers.size() * knobs.length;
        AnnBenchmark.log(
                "%d contenders %s; %d (contender, knob) pairs per round: >= %.0f s of queries per round",
                peers.size(), peers.stream().map(Peer::name).toList(), pairs, pairs * s.seconds());

        List<Row> rows = new ArrayList<>();
        List<RoundInfo> rounds = new ArrayList<>();
        try {
            // builds: every contender once per build round, in a shuffled order; the last build is the one queried
            for (int r = 1; r <= builds; r++) {
                List<Peer> order = new ArrayList<>(peers);
                Collections.shuffle(order, rnd);
                RoundMeter meter = new RoundMeter(nativePeers);
                int i = 0;
                for (Peer p : order) {
                    double load = load1();
                    Peer.Build b = p.build();
                    rows.add(new Row(
                            ds.id(),
                            "build",
                            r,
                            ++i,
                            p.name(),
                            p.efConstruction(),
                            base.length,
                            b.seconds(),
                            b.cpuSeconds(),
                            base.length / b.seconds(),
                            Double.NaN,
                            b.bytes(),
                            load));
                    AnnBenchmark.log(
                            "build %d/%d %s: %.1f s (%,.0f vectors/s, thread cpu/wall %.2f)",
                            r, builds, p.name(), b.seconds(), base.length / b.seconds(), b.cpuSeconds() / b.seconds());
                }
                rounds.add(meter.finish(ds.id(), "build", r));
            }
            System.gc(); // the garbage of the earlier builds, before anything is timed
            // warm-up (not recorded): every pair once, shuffled
            List<int[]> pairList = new ArrayList<>();
            for (int pi = 0; pi < peers.size(); pi++) {
                for (int knob : knobs) {
                    pairList.add(new int[] {pi, knob});
                }
            }
            if (s.warmup() > 0) {
                List<int[]> order = new ArrayList<>(pairList);
                Collections.shuffle(order, rnd);
                for (int[] pk : order) {
                    peers.get(pk[0]).run(pk[1], k, (long) (s.warmup() * 1e9));
                }
                AnnBenchmark.log("warm-up done (%.2f s per pair)", s.warmup());
            }
            for (int r = 1; r <= s.rounds(); r++) {
                List<int[]> order = new ArrayList<>(pairList);
                Collections.shuffle(order, rnd);
                RoundMeter meter = new RoundMeter(nativePeers);
                int i = 0;
                for (int[] pk : order) {
                    Peer p = peers.get(pk[0]);
                    double load = load1();
                    Peer.Sample smp = p.run(pk[1], k, (long) (s.seconds() * 1e9));
                    double recall = gt.recall(ds, queries, packed(smp.ids(), k), k);
                    rows.add(new Row(
                            ds.id(),
                            "query",
                            r,
                            ++i,
                            p.name(),
                            pk[1],
                            smp.queries(),
                            smp.seconds(),
                            smp.cpuSeconds(),
                            smp.qps(),
                            recall,
                            0,
                            load));
                }
                RoundInfo info = meter.finish(ds.id(), "query", r);
                rounds.add(info);
                AnnBenchmark.log(
                        "round %d/%d: %.0f s, load %s -> %s, cpu/wall %.2f",
                        r, s.rounds(), info.seconds(), info.loadBefore(), info.loadAfter(), info.cpuShare());
                InterleavedReport.logRound(rows, ds.id(), r, s);
            }
        } finally {
            for (Peer p : peers) {
                try {
                    p.close();
                } catch (Exception e) {
                    AnnBenchmark.log("%s: close failed: %s", p.name(), e);
                }
            }
            AnnBenchmark.deleteTree(work);
            Files.deleteIfExists(baseFile);
            Files.deleteIfExists(queryFile);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        AnnBenchmark.log("%s done in %.0f s", ds.title(), secs);
        return new DataRun(ds, knobs, rows, rounds, descriptions, knobNames, skipped, secs);
    }

    private static void addNative(
            List<Peer> peers,
            List<NativePeer> nativePeers,
            List<String> skipped,
            java.util.function.Predicate<String> wanted,
            String name,
            String knobName,
            List<String> command,
            Path needed,
            Path baseFile,
            Path queryFile,
            Dataset ds,
            int m,
            int efc,
            Path logDir) {
        if (!wanted.test(name)) {
            return;
        }
        if (!Files.exists(needed)) {
            skipped.add(name + ": " + needed + " not found (benchmarks/scripts/ann-interleaved.sh builds it)");
            AnnBenchmark.log("%s skipped: %s not found", name, needed);
            return;
        }
        try {
            NativePeer p = new NativePeer(name, knobName, command, baseFile, queryFile, ds.cosine(), m, efc, logDir);
            peers.add(p);
            nativePeers.add(p);
        } catch (IOException e) {
            skipped.add(name + ": " + e.getMessage());
            AnnBenchmark.log("%s skipped: %s", name, e.getMessage());
        }
    }

    /** Ids into the packed form {@link AnnBenchmark.GroundTruth#recall} reads. */
    static double[] packed(int[] ids, int k) {
        double[] res = new double[ids.length + 1];
        for (int i = 0; i < ids.length; i++) {
            res[i] = ids[i];
        }
        return res;
    }

    /** Load and CPU time around one round. */
    static final class RoundMeter {
        private final List<NativePeer> natives;
        private final String loadBefore = loadavg();
        private final long t0 = System.nanoTime();
        private final double jvm0 = jvmCpu();
        private final double native0;

        RoundMeter(List<NativePeer> natives) {
            this.natives = natives;
            this.native0 = nativeCpu(natives);
        }

        RoundInfo finish(String data, String phase, int round) {
            return new RoundInfo(
                    data,
                    phase,
                    round,
                    (System.nanoTime() - t0) / 1e9,
                    loadBefore,
                    loadavg(),
                    jvmCpu() - jvm0,
                    nativeCpu(natives) - native0);
        }
    }

    static double jvmCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }

    /** utime + stime of each driver process from /proc/PID/stat (clock ticks of 1/100 s). */
    static double nativeCpu(List<NativePeer> natives) {
        double sum = 0;
        for (NativePeer p : natives) {
            try {
                String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sum += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // fields 14 and 15 of stat
            } catch (IOException | RuntimeException e) {
                // the process is gone or /proc is absent: counted as 0
            }
        }
        return sum;
    }

    /** The first three fields of /proc/loadavg ("?" where there is none). */
    static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static double load1() {
        try {
            return Double.parseDouble(loadavg().split(" ")[0]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /** Every sample and every round of every data set so far: samples.csv and rounds.csv in {@code out}. */
    static void writeCsv(Path out, List<DataRun> runs) throws IOException {
        StringBuilder sc = new StringBuilder(
                "data,phase,round,order,contender,knob,count,seconds,thread_cpu_seconds,rate,recall,bytes,load1\n");
        StringBuilder rc =
                new StringBuilder("data,phase,round,seconds,loadavg_before,loadavg_after,jvm_cpu_s,native_cpu_s\n");
        for (DataRun run : runs) {
            for (Row r : run.rows()) {
                sc.append(String.format(
                        Locale.ROOT,
                        "%s,%s,%d,%d,%s,%d,%d,%.6f,%.6f,%.2f,%s,%d,%.2f%n",
                        r.data(),
                        r.phase(),
                        r.round(),
                        r.order(),
                        r.contender(),
                        r.knob(),
                        r.count(),
                        r.seconds(),
                        r.cpuSeconds(),
                        r.rate(),
                        Double.isNaN(r.recall()) ? "" : String.format(Locale.ROOT, "%.5f", r.recall()),
                        r.bytes(),
                        r.load1()));
            }
            for (RoundInfo r : run.rounds()) {
                rc.append(String.format(
                        Locale.ROOT,
                        "%s,%s,%d,%.3f,%s,%s,%.3f,%.3f%n",
                        r.data(),
                        r.phase(),
                        r.round(),
                        r.seconds(),
                        r.loadBefore(),
                        r.loadAfter(),
                        r.jvmCpu(),
                        r.nativeCpu()));
            }
        }
        Files.writeString(out.resolve("samples.csv"), sc);
        Files.writeString(out.resolve("rounds.csv"), rc);
    }
}
