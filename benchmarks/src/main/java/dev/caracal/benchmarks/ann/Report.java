package dev.caracal.benchmarks.ann;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;

/** CSV, markdown and PNG output of {@link AnnBenchmark}. */
final class Report {
    private Report() {}

    static void write(
            Path outDir,
            Path doc,
            List<AnnBenchmark.DatasetRun> runs,
            int k,
            int threads,
            String command,
            double seconds)
            throws IOException {
        Files.createDirectories(outDir);
        for (AnnBenchmark.DatasetRun r : runs) {
            writeCsv(outDir, r);
        }
        StringBuilder md = new StringBuilder();
        md.append("# ANN benchmarks: Caracal index plugins vs Lucene, jvector, hnswlib-java\n\n");
        md.append(generated(command, seconds, runs, r -> r.data().id(), r -> r.seconds()));
        md.append(String.format(
                Locale.ROOT,
                "- Machine: %d cores (shared with other work; absolute numbers swing, "
                        + "compare within one run), %s %s, max heap %d MB. One JVM: the data sets run one after the other, "
                        + "every contender on the same vectors, queries and threads.%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20));
        md.append(String.format(
                Locale.ROOT,
                "- recall@%d against an exact brute-force loop (a returned id counts when "
                        + "its distance is within the %d-th true distance; squared L2, or 1 - cosine). QPS: all queries, one "
                        + "or %d query threads, repeated passes of at least 0.4 s after a 1 s warm-up. Filtered search: random "
                        + "labels 0..99 per base vector, 1%% = label 0, 10%% = labels 0..9, the first queries of the data set "
                        + "(how many: see its section), 1 query thread, exact ground truth among the accepted.%n",
                k,
                k,
                threads));
        md.append("- HNSW contenders use M=16 (32 links on level 0), efConstruction/beamWidth=100; jvector max degree "
                + "32. All builds are single-threaded (Caracal IVF k-means uses the common pool). Store contenders run "
                + "`VectorStoreComponent.standalone` with exact scans on the calling thread (searchThreads 1).\n");
        md.append(simdNote()).append("\n\n");
        md.append("Data sets: ");
        md.append(String.join(
                        ", ",
                        runs.stream()
                                .map(r -> "[" + r.data().title() + "](#"
                                        + anchor(r.data().title()) + ")")
                                .toList()))
                .append(".\n\n");
        for (AnnBenchmark.DatasetRun r : runs) {
            section(md, r, k, threads, doc);
        }
        if (doc.getParent() != null) {
            Files.createDirectories(doc.getParent());
        }
        Files.writeString(doc, md);
        for (AnnBenchmark.DatasetRun r : runs) {
            plot(r.png(), r.data().title(), r.points(), r.builds(), threads, k);
        }
    }

    static String anchor(String title) {
        return title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
    }

    private static void writeCsv(Path outDir, AnnBenchmark.DatasetRun r) throws IOException {
        StringBuilder csv = new StringBuilder("contender,filter,threads,knob,recall,qps\n");
        for (AnnBenchmark.Point p : r.points()) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%d,%d,%.5f,%.1f%n",
                    p.contender(),
                    p.filter(),
                    p.threads(),
                    p.knob(),
                    p.recall(),
                    p.qps()));
        }
        Files.writeString(outDir.resolve(r.data().id() + "-results.csv"), csv);
        StringBuilder bcsv =
                new StringBuilder("contender,build_seconds,vectors_per_s,bytes_per_vector,hot_bytes_per_vector,knob\n");
        for (AnnBenchmark.BuildInfo b : r.builds()) {
            bcsv.append(String.format(
                    Locale.ROOT,
                    "%s,%.2f,%.1f,%.1f,%.1f,%s%n",
                    b.contender(),
                    b.seconds(),
                    b.vectorsPerSecond(),
                    b.bytesPerVector(),
                    b.hotBytesPerVector(),
                    b.knobName()));
        }
        Files.writeString(outDir.resolve(r.data().id() + "-build.csv"), bcsv);
    }

    private static void section(StringBuilder md, AnnBenchmark.DatasetRun r, int k, int threads, Path doc) {
        List<AnnBenchmark.Point> points = r.points();
        List<AnnBenchmark.BuildInfo> builds = r.builds();
        int dim = r.data().dim();
        md.append("## ").append(r.data().title()).append("\n\n");
        md.append(r.data().description()).append('\n');
        md.append(String.format(
                Locale.ROOT,
                "- %,d base vectors, %,d queries (%d for the filtered runs), %.0f s for " + "this data set.%n%n",
                r.data().base().length,
                r.data().queries().length,
                r.nFiltered(),
                r.seconds()));

        md.append("### Summary\n\n");
        md.append("| contender | build vectors/s | bytes/vector (hot) | max recall@" + k
                + " | QPS@0.90 1t | QPS@0.95 1t " + "| QPS@0.95 " + threads + "t | QPS@0.99 1t | QPS@0.99 " + threads
                + "t | filter 10% recall / QPS | filter 1% recall / QPS |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (AnnBenchmark.BuildInfo b : builds) {
            String c = b.contender();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %,.0f | %,.0f (%,.0f) | %.4f | %s | %s | %s | %s | %s | %s | %s |%n",
                    c,
                    b.vectorsPerSecond(),
                    b.bytesPerVector(),
                    b.hotBytesPerVector(),
                    maxRecall(points, c),
                    q(points, c, 1, 0.90),
                    q(points, c, 1, 0.95),
                    q(points, c, threads, 0.95),
                    q(points, c, 1, 0.99),
                    q(points, c, threads, 0.99),
                    filtered(points, c, "10%"),
                    filtered(points, c, "1%")));
        }
        md.append("\nQPS at a recall is interpolated (log QPS, linear in recall) between the two knob values around "
                + "it; `-` = not reached; a value marked `*` was already exceeded at the smallest knob (no "
                + "interpolation: the QPS of that knob). Filtered: best recall over the knobs tried, with its QPS (1 "
                + "thread). Float vectors alone take " + (dim * 4) + " bytes.\n\n");

        md.append("### Ratios (same run, same data and threads)\n\n");
        for (int t : threads > 1 ? new int[] {1, threads} : new int[] {1}) {
            for (double target : new double[] {0.95, 0.99}) {
                for (String other : new String[] {"lucene-hnsw", "lucene-hnsw-sq7", "jvector", "hnswlib-java"}) {
                    ratio(md, points, "caracal-hnsw", other, t, target);
                }
                ratio(md, points, "caracal-hnsw-int8", "lucene-hnsw-sq7", t, target);
                ratio(md, points, "caracal-store-hnsw", "lucene-hnsw", t, target);
            }
        }
        buildRatio(md, builds, "caracal-hnsw", "lucene-hnsw");
        buildRatio(md, builds, "caracal-hnsw-int8", "lucene-hnsw-sq7");
        buildRatio(md, builds, "caracal-store-hnsw", "lucene-hnsw");
        for (String f : new String[] {"1%", "10%"}) {
            for (String c : new String[] {"caracal-hnsw", "caracal-store-hnsw", "caracal-store-flat-int8"}) {
                AnnBenchmark.Point a = bestFiltered(points, c, f);
                AnnBenchmark.Point b = bestFiltered(points, "lucene-hnsw", f);
                if (a != null && b != null) {
                    md.append(String.format(
                            Locale.ROOT,
                            "- filter %s: %s recall %.3f at %,.0f QPS vs lucene-hnsw "
                                    + "recall %.3f at %,.0f QPS (best-recall knob of each): %.2fx%n",
                            f,
                            c,
                            a.recall(),
                            a.qps(),
                            b.recall(),
                            b.qps(),
                            a.qps() / b.qps()));
                }
            }
        }
        AnnBenchmark.BuildInfo pq = find(builds, "caracal-ivf-pq");
        if (pq != null) {
            AnnBenchmark.Point at90 = firstReaching(points, "caracal-ivf-pq", 0.90);
            md.append(String.format(
                    Locale.ROOT,
                    "- caracal-ivf-pq index bytes / float vector bytes (%d): %.3f (%,.0f " + "bytes/vector)%s%n",
                    dim * 4,
                    pq.bytesPerVector() / (dim * 4.0),
                    pq.bytesPerVector(),
                    at90 == null
                            ? "; recall 0.90 not reached"
                            : String.format(
                                    Locale.ROOT,
                                    "; recall >= 0.90 from nprobe=%d (recall %.4f, %,.0f QPS 1t)",
                                    at90.knob(),
                                    at90.recall(),
                                    at90.qps())));
        }
        AnnBenchmark.BuildInfo i8 = find(builds, "caracal-hnsw-int8");
        AnnBenchmark.BuildInfo h = find(builds, "caracal-hnsw");
        if (i8 != null && h != null) {
            md.append(String.format(
                    Locale.ROOT,
                    "- caracal-hnsw-int8 / caracal-hnsw bytes per vector: %.2f (%,.0f vs " + "%,.0f)%n",
                    i8.bytesPerVector() / h.bytesPerVector(),
                    i8.bytesPerVector(),
                    h.bytesPerVector()));
        }
        AnnBenchmark.BuildInfo fi8 = find(builds, "caracal-store-flat-int8");
        AnnBenchmark.BuildInfo fl = find(builds, "caracal-store-flat");
        if (fi8 != null) {
            md.append(String.format(
                    Locale.ROOT,
                    "- caracal-store-flat-int8 hot bytes / float vector bytes (%d): %.3f%n",
                    dim * 4,
                    fi8.hotBytesPerVector() / (dim * 4.0)));
            if (fl != null) {
                double exact = qpsAt(points, "caracal-store-flat", 1, 0.999);
                for (double target : new double[] {0.95, 0.99}) {
                    double a = qpsAt(points, "caracal-store-flat-int8", 1, target);
                    md.append(String.format(
                            Locale.ROOT,
                            "- caracal-store-flat-int8 / caracal-store-flat (exact) QPS "
                                    + "at recall %.2f, 1 thread: %s%n",
                            target,
                            Double.isNaN(a) || Double.isNaN(exact)
                                    ? "not measurable"
                                    : String.format(Locale.ROOT, "%.2fx", a / exact)));
                }
            }
        }
        md.append("\n![recall vs QPS, " + r.data().title() + "](" + relative(doc, r.png()) + ")\n\n");

        md.append("### Curves\n\n<details><summary>every measured point</summary>\n\n| contender | filter | threads | "
                + "knob | recall@" + k + " | QPS |\n|---|---|---:|---:|---:|---:|\n");
        for (AnnBenchmark.Point p : points) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %s=%d | %.4f | %,.0f |%n",
                    p.contender(),
                    p.filter(),
                    p.threads(),
                    knobName(builds, p.contender()),
                    p.knob(),
                    p.recall(),
                    p.qps()));
        }
        md.append("\n</details>\n\n### Notes per contender\n\n");
        for (AnnBenchmark.BuildInfo b : builds) {
            md.append("- ").append(b.contender()).append(": ").append(b.note()).append('\n');
        }
        md.append('\n');
    }

    static String relative(Path doc, Path png) {
        Path d = doc.toAbsolutePath().getParent();
        return d == null ? png.toString() : d.relativize(png.toAbsolutePath()).toString();
    }

    static void ratio(StringBuilder md, List<AnnBenchmark.Point> points, String a, String b, int t, double target) {
        if (curve(points, a, t).isEmpty() || curve(points, b, t).isEmpty()) {
            return;
        }
        double x = qpsAt(points, a, t, target);
        double y = qpsAt(points, b, t, target);
        md.append(String.format(
                Locale.ROOT,
                "- %s / %s QPS at recall %.2f, %d thread(s): %s%s%n",
                a,
                b,
                target,
                t,
                Double.isNaN(x) || Double.isNaN(y) ? "not measurable" : String.format(Locale.ROOT, "%.2fx", x / y),
                atFloor(points, a, t, target) || atFloor(points, b, t, target)
                        ? " (*: target exceeded at the smallest knob)"
                        : ""));
    }

    static void buildRatio(StringBuilder md, List<AnnBenchmark.BuildInfo> builds, String a, String b) {
        AnnBenchmark.BuildInfo x = find(builds, a);
        AnnBenchmark.BuildInfo y = find(builds, b);
        if (x != null && y != null) {
            md.append(String.format(
                    Locale.ROOT,
                    "- %s / %s build vectors/s: %.2fx (%,.0f vs %,.0f)%n",
                    a,
                    b,
                    x.vectorsPerSecond() / y.vectorsPerSecond(),
                    x.vectorsPerSecond(),
                    y.vectorsPerSecond()));
        }
    }

    static AnnBenchmark.Point bestFiltered(List<AnnBenchmark.Point> points, String c, String f) {
        return points.stream()
                .filter(p -> p.contender().equals(c) && p.filter().equals(f))
                .max((x, y) -> Double.compare(x.recall(), y.recall()))
                .orElse(null);
    }

    static AnnBenchmark.Point firstReaching(List<AnnBenchmark.Point> points, String c, double target) {
        for (AnnBenchmark.Point p : curve(points, c, 1)) {
            if (p.recall() >= target) {
                return p;
            }
        }
        return null;
    }

    /** Which contenders get SIMD distance code on this JVM (a large part of any ratio). */
    static String simdNote() {
        int v = Runtime.version().feature();
        return "- SIMD on this JVM (" + v + "): Caracal uses `jdk.incubator.vector` (started with `--add-modules "
                + "jdk.incubator.vector`); Lucene 9.12 uses its Panama vector code only on JDK 21-22"
                + (v >= 21 && v <= 22 ? " (so it does here)" : ", so here it runs scalar code") + "; jvector 4.0.2 "
                + (v >= 20
                        ? "uses its Panama/native provider"
                        : "runs its pure-Java provider (its SIMD code needs JDK 20+)")
                + "; hnswlib-java is scalar Java. The product runs on JDK 17.";
    }

    static AnnBenchmark.BuildInfo find(List<AnnBenchmark.BuildInfo> builds, String c) {
        return builds.stream().filter(b -> b.contender().equals(c)).findFirst().orElse(null);
    }

    static String knobName(List<AnnBenchmark.BuildInfo> builds, String c) {
        AnnBenchmark.BuildInfo b = find(builds, c);
        return b == null ? "knob" : b.knobName();
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String q(List<AnnBenchmark.Point> points, String c, int threads, double target) {
        return fmt(qpsAt(points, c, threads, target)) + (atFloor(points, c, threads, target) ? "*" : "");
    }

    /** Whether the first knob of the curve already reaches the target (so QPS at it is not interpolated). */
    static boolean atFloor(List<AnnBenchmark.Point> points, String c, int threads, double target) {
        List<AnnBenchmark.Point> cv = curve(points, c, threads);
        return !cv.isEmpty() && cv.get(0).recall() >= target;
    }

    static double maxRecall(List<AnnBenchmark.Point> points, String c) {
        return points.stream()
                .filter(p -> p.contender().equals(c) && p.filter().equals("none"))
                .mapToDouble(AnnBenchmark.Point::recall)
                .max()
                .orElse(Double.NaN);
    }

    static String filtered(List<AnnBenchmark.Point> points, String c, String f) {
        return points.stream()
                .filter(p -> p.contender().equals(c) && p.filter().equals(f))
                .max((x, y) -> Double.compare(x.recall(), y.recall()))
                .map(p -> String.format(Locale.ROOT, "%.3f / %,.0f", p.recall(), p.qps()))
                .orElse("n/a");
    }

    static List<AnnBenchmark.Point> curve(List<AnnBenchmark.Point> points, String c, int threads) {
        List<AnnBenchmark.Point> out = new ArrayList<>();
        for (AnnBenchmark.Point p : points) {
            if (p.contender().equals(c) && p.filter().equals("none") && p.threads() == threads) {
                out.add(p);
            }
        }
        return out; // in knob order
    }

    /** QPS at {@code target} recall: the first knob step that reaches it, interpolated in log QPS. */
    static double qpsAt(List<AnnBenchmark.Point> points, String c, int threads, double target) {
        List<AnnBenchmark.Point> cv = curve(points, c, threads);
        for (int i = 0; i < cv.size(); i++) {
            AnnBenchmark.Point p = cv.get(i);
            if (p.recall() >= target) {
                if (i == 0) {
                    return p.qps();
                }
                AnnBenchmark.Point q = cv.get(i - 1);
                double f = (target - q.recall()) / (p.recall() - q.recall());
                return Math.exp(Math.log(q.qps()) + f * (Math.log(p.qps()) - Math.log(q.qps())));
            }
        }
        return Double.NaN;
    }

    /** The plot's x coordinate of a recall: its number of nines, capped at 4. */
    static double nines(double recall) {
        return -Math.log10(Math.max(1e-4, 1 - recall));
    }

    /**
     * Redraws the PNG of every data set whose CSVs are in {@code outDir} ({@code <id>-results.csv},
     * {@code <id>-build.csv}) with the current plot code, without measuring again.
     */
    static void replot(Path outDir, Path png) throws IOException {
        for (String id : new String[] {"fashion-mnist", "cacm"}) {
            Path results = outDir.resolve(id + "-results.csv");
            Path build = outDir.resolve(id + "-build.csv");
            if (!Files.exists(results) || !Files.exists(build)) {
                continue;
            }
            List<AnnBenchmark.Point> points = new ArrayList<>();
            int threads = 1;
            int k = 10;
            for (String line : Files.readAllLines(results)
                    .subList(1, Files.readAllLines(results).size())) {
                String[] f = line.split(",");
                AnnBenchmark.Point p = new AnnBenchmark.Point(
                        f[0],
                        f[1],
                        Integer.parseInt(f[2]),
                        Integer.parseInt(f[3]),
                        Double.parseDouble(f[4]),
                        Double.parseDouble(f[5]));
                points.add(p);
                threads = Math.max(threads, p.threads());
            }
            List<AnnBenchmark.BuildInfo> builds = new ArrayList<>();
            List<String> lines = Files.readAllLines(build);
            boolean named = lines.get(0).contains("knob");
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                String c = f[0];
                String knob = named
                        ? f[5]
                        : points.stream()
                                        .filter(p -> p.contender().equals(c)
                                                && p.filter().equals("none"))
                                        .allMatch(p -> p.knob() == 0)
                                ? "exact"
                                : "knob";
                builds.add(new AnnBenchmark.BuildInfo(
                        c,
                        knob,
                        Double.parseDouble(f[1]),
                        Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]),
                        Double.parseDouble(f[4]),
                        ""));
            }
            String name = png.getFileName().toString();
            Path out = id.equals("fashion-mnist")
                    ? png
                    : png.resolveSibling(name.substring(0, name.lastIndexOf('.')) + "-" + id
                            + name.substring(name.lastIndexOf('.')));
            plot(
                    out,
                    id.equals("cacm") ? AnnBenchmark.CACM_TITLE : AnnBenchmark.FASHION_TITLE,
                    points,
                    builds,
                    threads,
                    k);
            AnnBenchmark.log("redrew %s from %s", out, results);
        }
    }

    static void plot(
            Path png,
            String title,
            List<AnnBenchmark.Point> points,
            List<AnnBenchmark.BuildInfo> builds,
            int threads,
            int k)
            throws IOException {
        int w = 1100;
        int h = 700;
        int left = 90;
        int right = 260;
        int top = 50;
        int bottom = 70;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        // x: recall on a "nines" scale, -log10(1 - recall), so 0.9, 0.99 and 0.999 are evenly spaced; recall above
        // 0.9999 (1.0 included) is drawn at the right edge
        double rMin = 0.8;
        double xLo = nines(rMin);
        double xHi = nines(1.0);
        double qMin = Double.MAX_VALUE;
        double qMax = 0;
        for (AnnBenchmark.Point p : points) {
            if (p.filter().equals("none") && p.recall() >= rMin) {
                qMin = Math.min(qMin, p.qps());
                qMax = Math.max(qMax, p.qps());
            }
        }
        if (qMax == 0) {
            qMin = 1;
            qMax = 10;
        }
        double lo = Math.floor(Math.log10(qMin));
        double hi = Math.ceil(Math.log10(qMax));
        if (hi <= lo) {
            hi = lo + 1;
        }
        int pw = w - left - right;
        int ph = h - top - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(new Color(230, 230, 230));
        for (double d = lo; d <= hi; d++) {
            for (int m = 1; m < 10; m++) {
                double v = Math.log10(m * Math.pow(10, d));
                if (v > hi) {
                    break;
                }
                int y = top + ph - (int) ((v - lo) / (hi - lo) * ph);
                g.setColor(m == 1 ? new Color(200, 200, 200) : new Color(238, 238, 238));
                g.drawLine(left, y, left + pw, y);
                if (m == 1) {
                    g.setColor(Color.DARK_GRAY);
                    g.drawString(String.format(Locale.ROOT, "%,.0f", Math.pow(10, d)), 10, y + 5);
                }
            }
        }
        for (double r : new double[] {0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 1.0}) {
            int x = left + (int) ((nines(r) - xLo) / (xHi - xLo) * pw);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(x, top, x, top + ph);
            g.setColor(Color.DARK_GRAY);
            String label = r == 1.0 ? "1.0" : String.valueOf(r);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, top + ph + 20);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(
                title + ": recall@" + k + " vs QPS (log scale); solid = 1 query thread, dashed = " + threads
                        + " threads",
                left,
                30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(
                "recall@" + k + " (scale: -log10(1 - recall); 1.0 = at least 0.9999)", left + pw / 2 - 150, h - 25);
        g.drawString("QPS", 10, top - 10);
        // Caracal in reds/oranges/browns/pinks, the peers in blues/greens/purples/grey
        Color[] colors = {
            new Color(214, 39, 40),
            new Color(255, 152, 150),
            new Color(255, 127, 14),
            new Color(188, 189, 34),
            new Color(0, 0, 0),
            new Color(140, 86, 75),
            new Color(196, 156, 148),
            new Color(227, 119, 194),
            new Color(128, 0, 64),
            new Color(31, 119, 180),
            new Color(23, 190, 207),
            new Color(44, 160, 44),
            new Color(148, 103, 189),
            new Color(127, 127, 127)
        };
        Set<String> names = new LinkedHashSet<>();
        builds.forEach(b -> names.add(b.contender()));
        int ci = 0;
        int ly = top + 10;
        for (String c : names) {
            Color col = colors[ci++ % colors.length];
            if (knobName(builds, c).equals("exact")) { // an exact scan: one point, drawn as a reference line
                for (int t : threads > 1 ? new int[] {1, threads} : new int[] {1}) {
                    List<AnnBenchmark.Point> cv = curve(points, c, t);
                    if (cv.isEmpty()) {
                        continue;
                    }
                    AnnBenchmark.Point p = cv.get(0);
                    int y = top + ph - (int) ((Math.log10(p.qps()) - lo) / (hi - lo) * ph);
                    int x = left + (int) ((nines(Math.max(rMin, p.recall())) - xLo) / (xHi - xLo) * pw);
                    g.setColor(col);
                    g.setStroke(new BasicStroke(
                            1.2f,
                            BasicStroke.CAP_BUTT,
                            BasicStroke.JOIN_ROUND,
                            1f,
                            t == 1 ? new float[] {2, 3} : new float[] {6, 5},
                            0));
                    g.drawLine(left, y, x, y);
                    g.fillOval(x - 4, y - 4, 9, 9);
                }
                g.setStroke(
                        new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {2, 3}, 0));
                g.drawLine(left + pw + 20, ly, left + pw + 50, ly);
                g.setColor(Color.BLACK);
                g.drawString(c + " (exact)", left + pw + 58, ly + 5);
                ly += 24;
                continue;
            }
            for (int t : threads > 1 ? new int[] {1, threads} : new int[] {1}) {
                g.setColor(col);
                g.setStroke(
                        t == 1
                                ? new BasicStroke(2.2f)
                                : new BasicStroke(
                                        1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6, 5}, 0));
                int px = -1;
                int py = -1;
                for (AnnBenchmark.Point p : curve(points, c, t)) {
                    if (p.recall() < rMin) {
                        px = -1;
                        continue;
                    }
                    int x = left + (int) ((nines(p.recall()) - xLo) / (xHi - xLo) * pw);
                    int y = top + ph - (int) ((Math.log10(p.qps()) - lo) / (hi - lo) * ph);
                    g.fillOval(x - 3, y - 3, 7, 7);
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    px = x;
                    py = y;
                }
            }
            g.setStroke(new BasicStroke(2.2f));
            g.drawLine(left + pw + 20, ly, left + pw + 50, ly);
            g.setColor(Color.BLACK);
            g.drawString(c, left + pw + 58, ly + 5);
            ly += 24;
        }
        g.dispose();
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ImageIO.write(img, "png", png.toFile());
    }

    /** The report's "Generated ... by `command`" line: the date, the command, the wall time and each data set's. */
    static <R> String generated(
            String command,
            double seconds,
            java.util.List<R> runs,
            java.util.function.Function<R, String> id,
            java.util.function.ToDoubleFunction<R> dataSeconds) {
        return String.format(
                Locale.ROOT,
                "Generated %s by `%s` (%.0f s wall time: %s).%n%n",
                LocalDate.now(),
                command,
                seconds,
                String.join(
                        ", ",
                        runs.stream()
                                .map(r -> String.format(
                                        Locale.ROOT, "%s %.0f s", id.apply(r), dataSeconds.applyAsDouble(r)))
                                .toList()));
    }
}
