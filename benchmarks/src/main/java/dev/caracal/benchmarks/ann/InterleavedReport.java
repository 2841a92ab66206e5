package dev.caracal.benchmarks.ann;

import dev.caracal.benchmarks.ann.InterleavedBenchmark.DataRun;
import dev.caracal.benchmarks.ann.InterleavedBenchmark.RoundInfo;
import dev.caracal.benchmarks.ann.InterleavedBenchmark.Row;
import dev.caracal.benchmarks.ann.InterleavedBenchmark.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** The Markdown report of {@link InterleavedBenchmark}: medians and ranges over rounds, ratios taken per round. */
final class InterleavedReport {
    private InterleavedReport() {}

    /** The contenders a ratio's denominator is taken from: everything not Caracal's. */
    static boolean isPeer(String name) {
        return !name.startsWith("caracal");
    }

    /** One round's curve of a contender, in knob order, as {@link Report#qpsAt} reads it. */
    static List<AnnBenchmark.Point> curve(List<Row> rows, String data, int round, String c) {
        return rows.stream()
                .filter(r -> r.phase().equals("query")
                        && r.data().equals(data)
                        && r.round() == round
                        && r.contender().equals(c))
                .sorted(Comparator.comparingInt(Row::knob))
                .map(r -> new AnnBenchmark.Point(c, "none", 1, r.knob(), r.recall(), r.rate()))
                .toList();
    }

    static double qpsAt(List<Row> rows, String data, int round, String c, double target) {
        return Report.qpsAt(curve(rows, data, round, c), c, 1, target);
    }

    static boolean atFloor(List<Row> rows, String data, int round, String c, double target) {
        return Report.atFloor(curve(rows, data, round, c), c, 1, target);
    }

    /** A short log line per round: QPS at the middle target of each contender, and caracal-hnsw's ratios. */
    static void logRound(List<Row> rows, String data, int round, Settings s) {
        double target = s.targets()[s.targets().length / 2];
        StringBuilder b = new StringBuilder();
        for (String c : contenders(rows, data)) {
            b.append(String.format(Locale.ROOT, " %s %s", c, Report.fmt(qpsAt(rows, data, round, c, target))));
        }
        AnnBenchmark.log("  QPS at recall %.2f:%s", target, b);
    }

    static Set<String> contenders(List<Row> rows, String data) {
        Set<String> out = new LinkedHashSet<>();
        rows.stream()
                .filter(r -> r.data().equals(data))
                .sorted(Comparator.comparing(r -> order(r.contender())))
                .forEach(r -> out.add(r.contender()));
        return out;
    }

    /** Report order: Caracal first, then Lucene, hnswlib, FAISS, Python builds. */
    private static String order(String name) {
        String[] prefixes = {"caracal-hnsw", "caracal-store", "lucene", "hnswlib-native", "faiss", "hnswlib-py"};
        for (int i = 0; i < prefixes.length; i++) {
            if (name.startsWith(prefixes[i])) {
                return i + name;
            }
        }
        return prefixes.length + name;
    }

    static double median(double[] v) {
        double[] s = Arrays.stream(v).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (s.length == 0) {
            return Double.NaN;
        }
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double min(double[] v) {
        return Arrays.stream(v).filter(x -> !Double.isNaN(x)).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return Arrays.stream(v).filter(x -> !Double.isNaN(x)).max().orElse(Double.NaN);
    }

    static long measured(double[] v) {
        return Arrays.stream(v).filter(x -> !Double.isNaN(x)).count();
    }

    /** "median (min..max)" with a format, "-" when nothing was measured, and "n/N rounds" when some were not. */
    static String stat(double[] v, String fmt) {
        long n = measured(v);
        if (n == 0) {
            return "-";
        }
        String s = String.format(Locale.ROOT, fmt + " (" + fmt + ".." + fmt + ")", median(v), min(v), max(v));
        return n < v.length ? s + String.format(Locale.ROOT, " [%d/%d]", n, v.length) : s;
    }

    static void write(Path doc, List<DataRun> runs, Settings s, double seconds, Path nativeInfo) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# ANN benchmarks: Caracal HNSW vs Lucene, hnswlib and FAISS, interleaved\n\n");
        md.append(Report.generated(s.command(), seconds, runs, r -> r.data().id(), r -> r.seconds()));
        md.append(String.format(
                Locale.ROOT,
                "- Machine: %d cores, %s, %s %s, max heap %d MB. The load of the machine is recorded beside every "
                        + "round (below each data set): a round whose CPU/wall is well under 1.0 or whose load average "
                        + "exceeds the core count ran beside other work.%n",
                Runtime.getRuntime().availableProcessors(),
                cpuModel(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20));
        md.append(String.format(
                Locale.ROOT,
                "- Method: every contender's index is built %d time(s) (the Builds table of a data set says when it "
                        + "was built another number of times), in a freshly shuffled order each time (the last build is "
                        + "kept in memory and queried). Then a warm-up visits every (contender, knob) "
                        + "pair once for %.2f s (not recorded), and %d rounds each visit every pair once in a freshly "
                        + "shuffled order (shuffle seed %d; `--seed` repeats it). A visit runs whole passes over every "
                        + "query on one thread for at least %.2f s and counts queries per second of the query loop's "
                        + "wall time (for the native peers measured inside the driver, the query set having been read "
                        + "once from a file before; nothing crosses the pipe while it is timed). Knob values: %s "
                        + "(ef; Lucene numCandidates = max(k, knob); FAISS efSearch), unless a data set's section "
                        + "names others.%n",
                s.builds(),
                s.warmup(),
                s.rounds(),
                s.seed(),
                s.seconds(),
                Arrays.toString(s.knobs())));
        md.append(String.format(
                Locale.ROOT,
                "- recall@%d from the ids each visit returned, against an exact brute-force loop (a returned id counts "
                        + "when its distance is within the %d-th true distance; squared L2, or 1 - cosine), as "
                        + "`ann.sh` computes it. QPS at a recall target is interpolated per round (log QPS, linear in "
                        + "recall, between the two knobs around it, as `ann.sh` does); `*` = the target was already "
                        + "exceeded at the smallest knob (that knob's QPS). Ratios are taken within each round and "
                        + "reported as median (min..max) over the rounds; `[n/N]` = measurable in n of N rounds.%n",
                s.k(),
                s.k()));
        md.append(String.format(
                Locale.ROOT,
                "- HNSW parameters: M=%d everywhere (32 links on level 0); efConstruction %s for the JVM "
                        + "contenders, %s for the native ones (Debian's Python builds: 100). All builds and all "
                        + "queries on one thread. Cosine data sets: the vectors are normalized to unit length before "
                        + "anyone sees them; Caracal uses metric cosine, Lucene DOT_PRODUCT, and the native peers inner "
                        + "product (hnswlib `ip` space: 1 - q.v; FAISS METRIC_INNER_PRODUCT).%n",
                s.m(),
                Arrays.toString(s.efc()),
                Arrays.toString(s.nativeEfc())));
        md.append(Report.simdNote()).append('\n');
        md.append("- Native peers, how they were compiled (written by `benchmarks/scripts/ann-interleaved.sh`):\n\n");
        md.append("```\n")
                .append(Files.exists(nativeInfo) ? Files.readString(nativeInfo).strip() : "(no " + nativeInfo + ")")
                .append("\n```\n\n");

        // headline: QPS at each target per data set
        for (double target : s.targets()) {
            md.append(String.format(
                    Locale.ROOT,
                    "**QPS at recall@%d = %.2f, one query thread, median (min..max) over rounds**%n%n",
                    s.k(),
                    target));
            md.append("| contender |");
            runs.forEach(r -> md.append(' ').append(r.data().title()).append(" |"));
            md.append("\n|---|");
            runs.forEach(r -> md.append("---:|"));
            md.append('\n');
            Set<String> all = new LinkedHashSet<>();
            runs.forEach(r -> all.addAll(contenders(r.rows(), r.data().id())));
            for (String c : all.stream()
                    .sorted(Comparator.comparing(InterleavedReport::order))
                    .toList()) {
                md.append("| ").append(c).append(" |");
                for (DataRun r : runs) {
                    md.append(' ').append(qpsStat(r, c, target)).append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
        }
        for (DataRun r : runs) {
            section(md, r, s);
        }
        if (doc.getParent() != null) {
            Files.createDirectories(doc.getParent());
        }
        Files.writeString(doc, md);
    }

    private static double[] perRound(DataRun r, String c, double target) {
        int rounds = rounds(r);
        double[] v = new double[rounds];
        for (int i = 1; i <= rounds; i++) {
            v[i - 1] = qpsAt(r.rows(), r.data().id(), i, c, target);
        }
        return v;
    }

    private static String qpsStat(DataRun r, String c, double target) {
        if (r.rows().stream().noneMatch(x -> x.contender().equals(c))) {
            return "n/a";
        }
        boolean floor = false;
        for (int i = 1; i <= rounds(r); i++) {
            floor |= atFloor(r.rows(), r.data().id(), i, c, target);
        }
        return stat(perRound(r, c, target), "%,.0f") + (floor ? "*" : "");
    }

    private static int rounds(DataRun r) {
        return (int) r.rounds().stream().filter(x -> x.phase().equals("query")).count();
    }

    private static void section(StringBuilder md, DataRun r, Settings s) {
        String id = r.data().id();
        List<Row> rows = r.rows();
        Set<String> cs = contenders(rows, id);
        md.append("## ").append(r.data().title()).append("\n\n");
        md.append(r.data().description()).append('\n');
        md.append(String.format(
                Locale.ROOT,
                "- %,d base vectors, %,d queries, %d dims; knobs %s; %.0f s for this data set.%n",
                r.data().base().length,
                r.data().queries().length,
                r.data().dim(),
                Arrays.toString(r.knobs()),
                r.seconds()));
        for (String skipped : r.skipped()) {
            md.append("- Skipped: ").append(skipped).append('\n');
        }
        md.append('\n');

        md.append("### QPS at recall targets (one query thread)\n\n| contender |");
        for (double t : s.targets()) {
            md.append(String.format(Locale.ROOT, " QPS@%.2f |", t));
        }
        md.append(" max recall@").append(s.k()).append(" |\n|---|");
        for (int i = 0; i <= s.targets().length; i++) {
            md.append("---:|");
        }
        md.append('\n');
        for (String c : cs) {
            md.append("| ").append(c).append(" |");
            for (double t : s.targets()) {
                md.append(' ').append(qpsStat(r, c, t)).append(" |");
            }
            double maxRecall = rows.stream()
                    .filter(x -> x.contender().equals(c) && x.phase().equals("query"))
                    .mapToDouble(Row::recall)
                    .max()
                    .orElse(Double.NaN);
            md.append(String.format(Locale.ROOT, " %.4f |%n", maxRecall));
        }

        md.append("\n### Ratios, taken per round: median (min..max)\n\n");
        List<String> caracal = cs.stream().filter(c -> !isPeer(c)).toList();
        List<String> peers = cs.stream().filter(InterleavedReport::isPeer).toList();
        for (double t : s.targets()) {
            for (String a : caracal) {
                for (String b : peers) {
                    ratioLine(md, r, a, b, t);
                }
            }
            if (cs.contains("caracal-store-hnsw") && cs.contains("caracal-hnsw")) {
                ratioLine(md, r, "caracal-store-hnsw", "caracal-hnsw", t);
            }
            if (cs.contains("caracal-store-hnsw-int8") && cs.contains("caracal-hnsw-int8")) {
                ratioLine(md, r, "caracal-store-hnsw-int8", "caracal-hnsw-int8", t);
            }
        }
        for (String a : caracal) {
            for (String b : peers) {
                double[] v = buildRatios(r, a, b);
                if (measured(v) > 0) {
                    md.append(String.format(Locale.ROOT, "- %s / %s build vectors/s: %s%n", a, b, stat(v, "%.2fx")));
                }
            }
        }

        md.append("\n### Builds\n\n| contender | efConstruction | builds | vectors/s | seconds | bytes/vector | "
                + "thread CPU/wall |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (String c : cs) {
            List<Row> b = rows.stream()
                    .filter(x -> x.phase().equals("build") && x.contender().equals(c))
                    .toList();
            if (b.isEmpty()) {
                continue;
            }
            double[] bytes = b.stream().mapToDouble(x -> x.bytes()).toArray();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %s | %s | %s | %.2f |%n",
                    c,
                    b.get(0).knob(),
                    b.size(),
                    stat(b.stream().mapToDouble(Row::rate).toArray(), "%,.0f"),
                    stat(b.stream().mapToDouble(Row::seconds).toArray(), "%.1f"),
                    median(bytes) > 0
                            ? String.format(
                                    Locale.ROOT,
                                    "%,.0f",
                                    median(bytes) / r.data().base().length)
                            : "-",
                    median(b.stream()
                            .mapToDouble(x -> x.cpuSeconds() / x.seconds())
                            .toArray())));
        }
        md.append("\nbytes/vector: Caracal `VectorIndex.memoryBytes()`; the store and Lucene: their files on disk; "
                + "hnswlib and FAISS: the vectors and links they allocate (as the driver computes them); Python "
                + "builds: not measured. Float vectors alone take " + (r.data().dim() * 4) + " bytes.\n");

        md.append("\n### The machine during each round\n\n| phase | round | seconds | loadavg before | loadavg after | "
                + "CPU (JVM + drivers) / wall | samples' thread CPU/wall, median (min) |\n"
                + "|---|---:|---:|---|---|---:|---:|\n");
        for (RoundInfo ri : r.rounds()) {
            double[] shares = rows.stream()
                    .filter(x -> x.phase().equals(ri.phase()) && x.round() == ri.round())
                    .mapToDouble(x -> x.cpuSeconds() / x.seconds())
                    .toArray();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %.0f | %s | %s | %.2f | %.2f (%.2f) |%n",
                    ri.phase(),
                    ri.round(),
                    ri.seconds(),
                    ri.loadBefore(),
                    ri.loadAfter(),
                    ri.cpuShare(),
                    median(shares),
                    min(shares)));
        }
        md.append("\nOne thread works at a time, so on an idle machine both CPU/wall columns sit near 1.0 (the first "
                + "a little above: the JVM's compiler and collector); well below 1.0, the thread waited for a core.\n");

        md.append("\n### Every point\n\n<details><summary>median over rounds of each (contender, knob)</summary>\n\n"
                + "| contender | knob | recall@" + s.k() + " | QPS median (min..max) | spread | thread CPU/wall |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        for (String c : cs) {
            TreeSet<Integer> knobs = new TreeSet<>();
            rows.stream()
                    .filter(x -> x.phase().equals("query") && x.contender().equals(c))
                    .forEach(x -> knobs.add(x.knob()));
            for (int knob : knobs) {
                List<Row> p = rows.stream()
                        .filter(x -> x.phase().equals("query") && x.contender().equals(c) && x.knob() == knob)
                        .toList();
                double[] qps = p.stream().mapToDouble(Row::rate).toArray();
                double[] recall = p.stream().mapToDouble(Row::recall).toArray();
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s=%d | %s | %s | %.0f%% | %.2f |%n",
                        c,
                        r.knobNames().getOrDefault(c, "knob"),
                        knob,
                        min(recall) == max(recall)
                                ? String.format(Locale.ROOT, "%.4f", median(recall))
                                : stat(recall, "%.4f"),
                        stat(qps, "%,.0f"),
                        100 * (max(qps) - min(qps)) / median(qps),
                        median(p.stream()
                                .mapToDouble(x -> x.cpuSeconds() / x.seconds())
                                .toArray())));
            }
        }
        md.append("\nspread = (max - min) / median of the rounds' QPS.\n\n</details>\n\n### Contenders\n\n");
        for (String c : cs) {
            md.append("- ")
                    .append(c)
                    .append(": ")
                    .append(r.descriptions().getOrDefault(c, ""))
                    .append('\n');
        }
        md.append('\n');
    }

    private static void ratioLine(StringBuilder md, DataRun r, String a, String b, double target) {
        int rounds = rounds(r);
        double[] v = new double[rounds];
        boolean floor = false;
        for (int i = 1; i <= rounds; i++) {
            v[i - 1] = qpsAt(r.rows(), r.data().id(), i, a, target)
                    / qpsAt(r.rows(), r.data().id(), i, b, target);
            floor |= atFloor(r.rows(), r.data().id(), i, a, target)
                    || atFloor(r.rows(), r.data().id(), i, b, target);
        }
        md.append(String.format(
                Locale.ROOT,
                "- %s / %s QPS at recall %.2f: %s%s%n",
                a,
                b,
                target,
                measured(v) == 0 ? "not measurable" : stat(v, "%.2fx"),
                floor ? " (*: target exceeded at the smallest knob)" : ""));
    }

    /** Per build round: a's vectors/s over b's. */
    private static double[] buildRatios(DataRun r, String a, String b) {
        List<Double> out = new ArrayList<>();
        int builds =
                (int) r.rounds().stream().filter(x -> x.phase().equals("build")).count();
        for (int i = 1; i <= builds; i++) {
            final int round = i;
            double x = rate(r, a, round);
            double y = rate(r, b, round);
            out.add(x / y);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double rate(DataRun r, String c, int round) {
        return r.rows().stream()
                .filter(x -> x.phase().equals("build")
                        && x.round() == round
                        && x.contender().equals(c))
                .mapToDouble(Row::rate)
                .findFirst()
                .orElse(Double.NaN);
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "CPU model unknown";
    }
}
