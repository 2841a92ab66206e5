package dev.caracal.vector.index.ivf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.math.TopK;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which metrics each factory serves, refusal of the others, and MANHATTAN on IVF-Flat. */
class IvfMetricsTest {
    static final int DIM = 32;

    @TempDir
    Path dir;

    /** The exact score of {@code metric} (higher is more similar), for the metrics these indexes serve. */
    static float score(Metric metric, float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += switch (metric) {
                case L2 -> d * d;
                case MANHATTAN -> Math.abs(d);
                case COSINE, DOT -> (double) a[i] * b[i];
                default -> throw new IllegalArgumentException(metric.id());
            };
        }
        return (float)
                switch (metric) {
                    case L2 -> -Math.sqrt(s);
                    case MANHATTAN -> -s;
                    default -> s;
                };
    }

    static int[] bruteForce(TestData.Source source, Metric metric, float[] q, int k) {
        int n = source.maxOrdinal();
        TopK top = new TopK(k);
        for (int o = 0; o < n; o++) {
            if (source.isLive(o)) {
                top.offer(o, score(metric, q, source.get(o)));
            }
        }
        return IvfIndex.drain(top, false).ordinals();
    }

    @Test
    void factoriesSayExactlyWhatTheyServe() {
        assertEquals(EnumSet.of(Metric.COSINE, Metric.DOT, Metric.L2, Metric.MANHATTAN), served(new IvfIndexFactory()));
        assertEquals(EnumSet.of(Metric.COSINE, Metric.DOT, Metric.L2), served(new IvfPqIndexFactory()));
    }

    private static Set<Metric> served(VectorIndexFactory f) {
        EnumSet<Metric> out = EnumSet.noneOf(Metric.class);
        for (Metric m : Metric.values()) {
            if (f.supports(m)) {
                out.add(m);
            }
        }
        return out;
    }

    @Test
    void openingAnUnsupportedMetricFailsClearly() {
        for (VectorIndexFactory f : List.of(new IvfIndexFactory(), new IvfPqIndexFactory())) {
            for (Metric m : Metric.values()) {
                TestData.Source source = new TestData.Source(DIM);
                if (f.supports(m)) {
                    TestData.open(f, m, source, Map.of(), dir).close();
                    continue;
                }
                IllegalArgumentException e = assertThrows(
                        IllegalArgumentException.class,
                        () -> TestData.open(f, m, source, Map.of(), dir),
                        f.type() + " " + m);
                assertTrue(
                        e.getMessage().contains("'" + m.id() + "'")
                                && e.getMessage().contains(f.type()),
                        e.getMessage());
            }
        }
    }

    @Test
    void manhattanOnIvfScoresL1AndKeepsRecall() throws Exception {
        int n = 12_000;
        float[][] data = TestData.clustered(new Random(21), n, DIM, 60, 0);
        TestData.Source source = new TestData.Source(DIM);
        IvfIndex index = TestData.open(new IvfIndexFactory(), Metric.MANHATTAN, source, Map.of(), dir);
        // exact before training
        for (int i = 0; i < 1000; i++) {
            source.put(i, data[i]);
            index.add(i, data[i]);
        }
        assertTrue(index.layout().exact);
        for (int i = 0; i < 10; i++) {
            float[] q = data[i * 13];
            ScoredOrdinals r = index.search(q, 10, null, Map.of());
            assertEquals(Arrays.toString(bruteForce(source, Metric.MANHATTAN, q, 10)), Arrays.toString(r.ordinals()));
        }
        for (int i = 1000; i < n; i++) {
            source.put(i, data[i]);
            index.add(i, data[i]);
        }
        index.awaitTraining();
        index.trainNow();
        int nlist = index.layout().nlist;
        Random random = new Random(22);
        double sum = 0;
        int queries = 200;
        for (int i = 0; i < queries; i++) {
            float[] q = data[random.nextInt(n)].clone();
            for (int d = 0; d < DIM; d++) {
                q[d] += (float) (0.2 * random.nextGaussian());
            }
            ScoredOrdinals r = index.search(q, 10, null, Map.of("nprobe", Math.max(1, nlist / 8)));
            assertEquals(10, r.size());
            for (int j = 0; j < r.size(); j++) {
                assertEquals(score(Metric.MANHATTAN, q, source.get(r.ordinals()[j])), r.scores()[j], 1e-3f);
                assertTrue(r.scores()[j] <= 0);
            }
            sum += TestData.recall(bruteForce(source, Metric.MANHATTAN, q, 10), r);
        }
        System.out.printf("ivf manhattan nlist %d nprobe %d: recall@10 %.3f%n", nlist, nlist / 8, sum / queries);
        assertTrue(sum / queries >= 0.95, "manhattan recall " + sum / queries);
        index.close();
    }
}
