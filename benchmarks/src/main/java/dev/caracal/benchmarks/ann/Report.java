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
    private Report() {
    }

    static void write(Path outDir, Path doc, Path png, List<AnnBenchmark.Point> points,
                      List<AnnBenchmark.BuildInfo> builds, int nBase, int nQueries, int nFiltered, int dim, int k, int threads,
                      String command, double seconds) throws IOException {
        Files.createDirectories(outDir);
        StringBuilder csv = new StringBuilder("contender,filter,threads,knob,recall,qps\n");
        for (AnnBenchmark.Point p : points) {
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.5f,%.1f%n", p.contender(), p.filter(), p.threads(),
                    p.knob(), p.recall(), p.qps()));
        }
        Files.writeString(outDir.resolve("ann-results.csv"), csv);
        StringBuilder bcsv = new StringBuilder("contender,build_seconds,vectors_per_s,bytes_per_vector,hot_bytes_per_vector\n");
        for (AnnBenchmark.BuildInfo b : builds) {
            bcsv.append(String.format(Locale.ROOT, "%s,%.2f,%.1f,%.1f,%.1f%n", b.contender(), b.seconds(),
                    b.vectorsPerSecond(), b.bytesPerVector(), b.hotBytesPerVector()));
        }
        Files.writeString(outDir.resolve("ann-build.csv"), bcsv);

        StringBuilder md = new StringBuilder();
        md.append("# ANN benchmarks: Caracal index plugins vs Lucene, jvector, hnswlib-java\n\n");
        md.append(String.format(Locale.ROOT, "Generated %s by `%s` (%.0f s wall time).%n%n", LocalDate.now(), command,
                seconds));
        md.append(String.format(Locale.ROOT, "- Data: Fashion-MNIST (Debian `dataset-fashion-mnist`), first %,d training "
                + "images as base, first %,d test images as queries, %d dims (pixels 0..255 as floats), L2.%n", nBase,
                nQueries, dim));
        md.append(String.format(Locale.ROOT, "- Machine: %d cores (shared with other work; absolute numbers swing, "
                + "compare within one run), %s %s, max heap %d MB.%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20));
        md.append(String.format(Locale.ROOT, "- recall@%d against an exact brute-force loop (a returned id counts when "
                + "its distance is within the %d-th true distance). QPS: all queries, one or %d query threads, "
                + "repeated passes of at least 0.4 s after a 1 s warm-up. Filtered search: random labels 0..99 per base "
                + "vector, 1%% = label 0, 10%% = labels 0..9, first %d queries, exact ground truth among the accepted.%n",
                k, k, threads, nFiltered));
        md.append("- HNSW contenders use M=16 (32 links on level 0), efConstruction/beamWidth=100; jvector max degree "
                + "32. All builds are single-threaded (Caracal IVF k-means uses the common pool).\n");
        md.append(simdNote()).append("\n\n");

        md.append("## Summary\n\n");
        md.append("| contender | build vectors/s | bytes/vector (hot) | max recall@" + k + " | QPS@0.90 1t | QPS@0.95 1t "
                + "| QPS@0.95 " + threads + "t | QPS@0.99 1t | QPS@0.99 " + threads + "t | filter 10% recall / QPS | filter 1% recall / QPS |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (AnnBenchmark.BuildInfo b : builds) {
            String c = b.contender();
            md.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f (%,.0f) | %.4f | %s | %s | %s | %s | %s | %s | %s |%n", c,
                    b.vectorsPerSecond(), b.bytesPerVector(), b.hotBytesPerVector(), maxRecall(points, c),
                    q(points, c, 1, 0.90), q(points, c, 1, 0.95),
                    q(points, c, threads, 0.95), q(points, c, 1, 0.99),
                    q(points, c, threads, 0.99), filtered(points, c, "10%"), filtered(points, c, "1%")));
        }
        md.append("\nQPS at a recall is interpolated (log QPS, linear in recall) between the two knob values around "
                + "it; `-` = not reached; a value marked `*` was already exceeded at the smallest knob (no interpolation: the QPS of that knob). Filtered: best recall over the knobs tried, with its QPS (1 thread).\n\n");

        md.append("## Ratios (same run, same data and threads)\n\n");
        for (int t : threads > 1 ? new int[] {1, threads} : new int[] {1}) {
            for (double target : new double[] {0.95, 0.99}) {
                for (String other : new String[] {"lucene-hnsw", "lucene-hnsw-sq7", "jvector", "hnswlib-java"}) {
                    double a = qpsAt(points, "caracal-hnsw", t, target);
                    double b = qpsAt(points, other, t, target);
                    md.append(String.format(Locale.ROOT, "- caracal-hnsw / %s QPS at recall %.2f, %d thread(s): %s%s%n",
                            other, target, t, Double.isNaN(a) || Double.isNaN(b) ? "not measurable"
                                    : String.format(Locale.ROOT, "%.2fx", a / b),
                            atFloor(points, "caracal-hnsw", t, target) || atFloor(points, other, t, target)
                                    ? " (*: target exceeded at the smallest knob)" : ""));
                }
            }
        }
        AnnBenchmark.BuildInfo ch = find(builds, "caracal-hnsw");
        AnnBenchmark.BuildInfo lh = find(builds, "lucene-hnsw");
        if (ch != null && lh != null) {
            md.append(String.format(Locale.ROOT, "- caracal-hnsw / lucene-hnsw build vectors/s: %.2fx%n",
                    ch.vectorsPerSecond() / lh.vectorsPerSecond()));
        }
        AnnBenchmark.BuildInfo pq = find(builds, "caracal-ivf-pq");
        if (pq != null) {
            md.append(String.format(Locale.ROOT, "- caracal-ivf-pq index bytes / float vector bytes (%d): %.3f%n",
                    dim * 4, pq.bytesPerVector() / (dim * 4.0)));
        }
        md.append("\n![recall vs QPS](" + png.getFileName() + ")\n\n");

        md.append("## Curves\n\n| contender | filter | threads | knob | recall@" + k + " | QPS |\n|---|---|---:|---:|---:|---:|\n");
        for (AnnBenchmark.Point p : points) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s=%d | %.4f | %,.0f |%n", p.contender(), p.filter(),
                    p.threads(), knobName(builds, p.contender()), p.knob(), p.recall(), p.qps()));
        }
        md.append("\n## Notes per contender\n\n");
        for (AnnBenchmark.BuildInfo b : builds) {
            md.append("- ").append(b.contender()).append(": ").append(b.note()).append('\n');
        }
        if (doc.getParent() != null) {
            Files.createDirectories(doc.getParent());
        }
        Files.writeString(doc, md);
        plot(png, points, builds, threads);
    }

    /** Which contenders get SIMD distance code on this JVM (a large part of any ratio). */
    static String simdNote() {
        int v = Runtime.version().feature();
        return "- SIMD on this JVM (" + v + "): Caracal uses `jdk.incubator.vector` (started with `--add-modules "
                + "jdk.incubator.vector`); Lucene 9.12 uses its Panama vector code only on JDK 21-22"
                + (v >= 21 && v <= 22 ? " (so it does here)" : ", so here it runs scalar code") + "; jvector 4.0.2 "
                + (v >= 20 ? "uses its Panama/native provider" : "runs its pure-Java provider (its SIMD code needs JDK 20+)")
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
        return points.stream().filter(p -> p.contender().equals(c) && p.filter().equals("none"))
                .mapToDouble(AnnBenchmark.Point::recall).max().orElse(Double.NaN);
    }

    static String filtered(List<AnnBenchmark.Point> points, String c, String f) {
        return points.stream().filter(p -> p.contender().equals(c) && p.filter().equals(f))
                .max((x, y) -> Double.compare(x.recall(), y.recall()))
                .map(p -> String.format(Locale.ROOT, "%.3f / %,.0f", p.recall(), p.qps())).orElse("n/a");
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

    static void plot(Path png, List<AnnBenchmark.Point> points, List<AnnBenchmark.BuildInfo> builds, int threads)
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
        double rMin = 0.90;
        double rMax = 1.0;
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
        for (int i = 0; i <= 10; i++) {
            double r = rMin + i * (rMax - rMin) / 10;
            int x = left + (int) ((r - rMin) / (rMax - rMin) * pw);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(x, top, x, top + ph);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.2f", r), x - 14, top + ph + 20);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("Fashion-MNIST, L2: recall@10 vs QPS (log scale); solid = 1 query thread, dashed = " + threads
                + " threads", left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("recall@10", left + pw / 2 - 30, h - 25);
        g.drawString("QPS", 10, top - 10);
        Color[] colors = {new Color(214, 39, 40), new Color(255, 127, 14), new Color(140, 86, 75),
                new Color(31, 119, 180), new Color(23, 190, 207), new Color(44, 160, 44), new Color(148, 103, 189),
                new Color(127, 127, 127)};
        Set<String> names = new LinkedHashSet<>();
        builds.forEach(b -> names.add(b.contender()));
        int ci = 0;
        int ly = top + 10;
        for (String c : names) {
            Color col = colors[ci++ % colors.length];
            for (int t : threads > 1 ? new int[] {1, threads} : new int[] {1}) {
                g.setColor(col);
                g.setStroke(t == 1 ? new BasicStroke(2.2f)
                        : new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6, 5}, 0));
                int px = -1;
                int py = -1;
                for (AnnBenchmark.Point p : curve(points, c, t)) {
                    if (p.recall() < rMin) {
                        px = -1;
                        continue;
                    }
                    int x = left + (int) ((p.recall() - rMin) / (rMax - rMin) * pw);
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
}
