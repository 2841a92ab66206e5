package dev.caracal.benchmarks.ann;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
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

/**
 * Two (or more) builds of the hnsw plugin side by side in one JVM, to measure one change to its search or build code:
 * each build is loaded from its own jars in a class loader of its own, builds its index over the same vectors on this
 * thread, and then rounds visit every (build, ef) pair in a fresh shuffled order, each for at least {@code --seconds}
 * of whole passes over the queries; the report gives, per pair, the median QPS with its range and the recall@k, and
 * per round the ratio of every build's QPS to the first one's. Equal code gives equal graphs (the level draw is
 * seeded), so recall tells whether a change altered what is found.
 *
 * <p>Usage: {@code HnswAb --variant name=jar1:jar2... --variant name2=... [--data fashion-mnist] [--rounds 7]
 * [--seconds 1] [--knobs 16,32,64] [--data fashion-mnist|cacm|clustered] [--clustered 1000000] [--queries 1000]
 * [--base 60000] [--param key=value ...] [--beside name[:kind+kind...],...]}; the jars are the
 * vector-api, vector-math and index-hnsw jars of a build (benchmarks/scripts/hnsw-ab.sh assembles them).
 *
 * <p>{@code --beside name} gives that build more indexes over the first 20,000 vectors, in the same class loader,
 * searched (200 queries each, untimed) before each of its visits: by default one of the other kind (int8 beside float,
 * float beside int8); {@code name:int8+cosine} lists them ({@code int8}: the other kind; a metric name, e.g.
 * {@code cosine}: the same kind under that metric). They are built and searched before that build's own index is
 * built, so its build and its searches run where the call sites have already seen several scorer classes, as in a
 * JVM that holds several kinds of index (the interleaved harness does; so may a server). The same jars with and
 * without measure what that costs.
 */
public final class HnswAb {
    /** A build under test; {@code beside} are its other indexes (other kinds), searched between its visits. */
    private record Variant(
            String name, Object target, Method pass, double buildSeconds, long bytes, List<Object> beside) {
        /** Searches the indexes beside it, untimed, so its call sites keep seeing every kind. */
        void searchBeside(float[][] queries, int k, int[][] out) throws ReflectiveOperationException {
            for (Object other : beside) {
                pass.invoke(other, Arrays.copyOf(queries, Math.min(200, queries.length)), k, 32, out);
            }
        }
    }

    private HnswAb() {}

    /**
     * QPS at {@code target} recall in round {@code r}: log QPS interpolated linearly in recall between the two knobs
     * around the target; NaN when no knob reaches it, the smallest knob's QPS when every knob exceeds it.
     */
    static double atRecall(double[] recall, double[][] qps, int r, double target) {
        Integer[] order = new Integer[recall.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(recall[x], recall[y]));
        if (recall[order[0]] >= target) {
            return qps[order[0]][r];
        }
        for (int i = 1; i < order.length; i++) {
            int lo = order[i - 1];
            int hi = order[i];
            if (recall[hi] >= target) {
                double f = (target - recall[lo]) / (recall[hi] - recall[lo]);
                return Math.exp(Math.log(qps[lo][r]) + f * (Math.log(qps[hi][r]) - Math.log(qps[lo][r])));
            }
        }
        return Double.NaN;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> variants = new LinkedHashMap<>();
        Map<String, Object> params = new LinkedHashMap<>();
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            String key = args[i].replaceFirst("^--", "");
            String value = args[i + 1];
            if (key.equals("variant")) {
                int eq = value.indexOf('=');
                variants.put(value.substring(0, eq), value.substring(eq + 1));
            } else if (key.equals("param")) {
                int eq = value.indexOf('=');
                String v = value.substring(eq + 1);
                params.put(value.substring(0, eq), v.matches("-?\\d+") ? (Object) Integer.valueOf(v) : v);
            } else {
                a.put(key, value);
            }
        }
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("give at least one --variant name=jar:jar...");
        }
        params.putIfAbsent("m", 16);
        params.putIfAbsent("efConstruction", 100);
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "7"));
        double seconds = Double.parseDouble(a.getOrDefault("seconds", "1"));
        int[] knobs = InterleavedBenchmark.ints(a.getOrDefault("knobs", "16,32,64"));
        int k = Integer.parseInt(a.getOrDefault("k", "10"));
        Dataset ds = InterleavedBenchmark.load(a.getOrDefault("data", "fashion-mnist"), a);
        float[][] queries = ds.queries();
        AnnBenchmark.log(
                "%s: %d x %d, %d queries, params %s", ds.id(), ds.base().length, ds.dim(), queries.length, params);
        AnnBenchmark.GroundTruth gt = AnnBenchmark.GroundTruth.compute(ds, queries, k, null);
        URL self = HnswAb.class.getProtectionDomain().getCodeSource().getLocation();

        List<Variant> built = new ArrayList<>();
        for (Map.Entry<String, String> v : variants.entrySet()) {
            List<URL> urls = new ArrayList<>();
            urls.add(self);
            for (String jar : v.getValue().split(":")) {
                urls.add(Path.of(jar).toUri().toURL());
            }
            ClassLoader loader = new URLClassLoader(
                    "hnsw-ab-" + v.getKey(), urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            Class<?> type = Class.forName(HnswAbTarget.class.getName(), true, loader);
            Constructor<?> make = type.getConstructor(String.class, Map.class, String.class, float[][].class);
            Path dir = Files.createTempDirectory("hnsw-ab-" + v.getKey());
            List<Object> beside = new ArrayList<>();
            for (String spec : a.getOrDefault("beside", "").split(",")) {
                if (!spec.equals(v.getKey()) && !spec.startsWith(v.getKey() + ":")) {
                    continue;
                }
                float[][] subset = Arrays.copyOf(ds.base(), Math.min(20_000, ds.base().length));
                String kinds = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : "int8";
                for (String kind : kinds.split("\\+")) {
                    Map<String, Object> other = new LinkedHashMap<>(params);
                    String metric = ds.metric().id();
                    if (kind.equals("int8")) {
                        other.put("quantization", "int8".equals(params.get("quantization")) ? "none" : "int8");
                    } else {
                        metric = kind;
                    }
                    Path besideDir = Files.createDirectories(dir.resolve("beside-" + kind));
                    Object index = make.newInstance(metric, other, besideDir.toString(), subset);
                    type.getMethod("build", float[][].class).invoke(index, (Object) subset);
                    beside.add(index);
                }
            }
            Method pass = type.getMethod("pass", float[][].class, int.class, int.class, int[][].class);
            for (Object other : beside) {
                pass.invoke(other, Arrays.copyOf(queries, Math.min(200, queries.length)), k, 32, new int[200][]);
            }
            Object target = make.newInstance(ds.metric().id(), params, dir.toString(), ds.base());
            System.gc();
            long t0 = System.nanoTime();
            type.getMethod("build", float[][].class).invoke(target, (Object) ds.base());
            double buildSeconds = (System.nanoTime() - t0) / 1e9;
            long bytes = (long) type.getMethod("bytes").invoke(target);
            built.add(new Variant(v.getKey(), target, pass, buildSeconds, bytes, beside));
            AnnBenchmark.log(
                    "built %s: %.1f s (%.0f vectors/s), %,d bytes",
                    v.getKey(), buildSeconds, ds.base().length / buildSeconds, bytes);
        }

        int nv = built.size();
        double[][][] qps = new double[nv][knobs.length][rounds];
        double[][] recall = new double[nv][knobs.length];
        Random rnd = new Random(Long.parseLong(a.getOrDefault("seed", "1")));
        int[][] out = new int[queries.length][];
        List<int[]> pairs = new ArrayList<>();
        for (int v = 0; v < nv; v++) {
            for (int e = 0; e < knobs.length; e++) {
                pairs.add(new int[] {v, e});
            }
        }
        // one warm-up pass per pair, not counted
        for (int[] p : pairs) {
            built.get(p[0]).searchBeside(queries, k, out);
            built.get(p[0]).pass().invoke(built.get(p[0]).target(), queries, k, knobs[p[1]], out);
        }
        for (int r = 0; r < rounds; r++) {
            Collections.shuffle(pairs, rnd);
            for (int[] p : pairs) {
                Variant v = built.get(p[0]);
                v.searchBeside(queries, k, out);
                long t0 = System.nanoTime();
                long done = 0;
                long elapsed;
                do {
                    v.pass().invoke(v.target(), queries, k, knobs[p[1]], out);
                    done += queries.length;
                    elapsed = System.nanoTime() - t0;
                } while (elapsed < seconds * 1e9);
                qps[p[0]][p[1]][r] = done / (elapsed / 1e9);
                double[] packed = new double[queries.length * k];
                for (int q = 0; q < queries.length; q++) {
                    for (int j = 0; j < k; j++) {
                        packed[q * k + j] = j < out[q].length ? out[q][j] : -1;
                    }
                }
                recall[p[0]][p[1]] = gt.recall(ds, queries, packed, k);
            }
            AnnBenchmark.log("round %d done, load %s", r + 1, InterleavedBenchmark.loadavg());
        }

        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n| build | build s | ef | recall@%d | QPS median (min..max) |", k));
        for (int v = 1; v < nv; v++) {
            b.append(" ")
                    .append(built.get(v).name())
                    .append(" / ")
                    .append(built.get(0).name())
                    .append(" per round, median (min..max) |");
        }
        b.append("\n|---|---|---|---|---|").append("---|".repeat(nv - 1)).append('\n');
        for (int e = 0; e < knobs.length; e++) {
            for (int v = 0; v < nv; v++) {
                double[] s = qps[v][e].clone();
                Arrays.sort(s);
                b.append(String.format(
                        Locale.ROOT,
                        "| %s | %.1f | %d | %.4f | %,.0f (%,.0f..%,.0f) |",
                        built.get(v).name(),
                        built.get(v).buildSeconds(),
                        knobs[e],
                        recall[v][e],
                        s[s.length / 2],
                        s[0],
                        s[s.length - 1]));
                for (int w = 1; w < nv; w++) {
                    if (v != 0) {
                        b.append(" |");
                        continue;
                    }
                    double[] ratio = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ratio[r] = qps[w][e][r] / qps[0][e][r];
                    }
                    Arrays.sort(ratio);
                    b.append(String.format(
                            Locale.ROOT, " %.3fx (%.3f..%.3f) |", ratio[rounds / 2], ratio[0], ratio[rounds - 1]));
                }
                b.append('\n');
            }
        }
        for (double target : new double[] {0.90, 0.95, 0.99}) {
            b.append(String.format(Locale.ROOT, "%nQPS at recall %.2f, median (min..max) over rounds:", target));
            double[] reference = null;
            for (int v = 0; v < nv; v++) {
                double[] at = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    at[r] = atRecall(recall[v], qps[v], r, target);
                }
                double[] sorted = at.clone();
                Arrays.sort(sorted);
                b.append(String.format(
                        Locale.ROOT,
                        " %s %,.0f (%,.0f..%,.0f)",
                        built.get(v).name(),
                        sorted[rounds / 2],
                        sorted[0],
                        sorted[rounds - 1]));
                if (v == 0) {
                    reference = at;
                } else if (!Double.isNaN(sorted[0]) && !Double.isNaN(reference[0])) {
                    double[] ratio = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ratio[r] = at[r] / reference[r];
                    }
                    Arrays.sort(ratio);
                    b.append(String.format(
                            Locale.ROOT, " = %.3fx (%.3f..%.3f)", ratio[rounds / 2], ratio[0], ratio[rounds - 1]));
                }
            }
        }
        System.out.println(b);
        for (Variant v : built) {
            v.target().getClass().getMethod("close").invoke(v.target());
        }
    }
}
