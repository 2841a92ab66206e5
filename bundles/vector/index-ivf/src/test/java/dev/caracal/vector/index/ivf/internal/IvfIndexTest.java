package dev.caracal.vector.index.ivf.internal;

import static dev.caracal.vector.index.ivf.internal.TestData.bruteForce;
import static dev.caracal.vector.index.ivf.internal.TestData.recall;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.math.VectorMath;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class IvfIndexTest {
    static final int N = 20_000;
    static final int DIM = 64;

    @TempDir
    Path dir;

    static TestData.Source load(
            IvfIndex[] holder,
            VectorIndexFactory f,
            Metric metric,
            float[][] data,
            Map<String, Object> params,
            Path dir) {
        TestData.Source source = new TestData.Source(DIM);
        IvfIndex index = TestData.open(f, metric, source, params, dir);
        for (int i = 0; i < data.length; i++) {
            source.put(i, data[i]);
            index.add(i, data[i]);
        }
        holder[0] = index;
        return source;
    }

    double measure(
            IvfIndex index,
            TestData.Source source,
            Metric metric,
            float[][] queries,
            Map<String, Object> p,
            String label) {
        double sum = 0;
        long t0 = System.nanoTime();
        ScoredOrdinals[] results = new ScoredOrdinals[queries.length];
        for (int i = 0; i < queries.length; i++) {
            results[i] = index.search(queries[i], 10, null, p);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < queries.length; i++) {
            sum += recall(bruteForce(source, metric, queries[i], 10, null), results[i]);
        }
        double r = sum / queries.length;
        System.out.printf(
                "%s: recall@10 %.3f, %.0f QPS (single thread), memory %d bytes = %.3f of floats%n",
                label,
                r,
                queries.length / ((t1 - t0) / 1e9),
                index.memoryBytes(),
                index.memoryBytes() / (4.0 * index.size() * DIM));
        return r;
    }

    @Test
    void ivfRecallAgainstBruteForce() throws Exception {
        Random random = new Random(1);
        float[][] data = TestData.clustered(random, N, DIM, 200, 0);
        IvfIndex[] h = new IvfIndex[1];
        TestData.Source source = load(h, new IvfIndexFactory(), Metric.L2, data, Map.of(), dir);
        IvfIndex index = h[0];
        index.awaitTraining();
        index.trainNow(); // train on everything (the background one trained on a prefix)
        assertFalse(index.layout().exact);
        int nlist = index.layout().nlist;
        assertEquals(IvfParams.autoNlist(N), nlist);
        float[][] queries = TestData.clustered(new Random(1), 200, DIM, 200, 0); // same centres (same seed)
        double r = measure(
                index,
                source,
                Metric.L2,
                queries,
                Map.of("nprobe", Math.max(1, nlist / 8)),
                "ivf nlist " + nlist + " nprobe " + nlist / 8);
        assertTrue(r >= 0.95, "recall " + r);
        assertEquals(N, index.size());
        index.close();
    }

    @Test
    void ivfPqRecallAndMemory() throws Exception {
        Random random = new Random(1);
        float[][] data = TestData.clustered(random, N, DIM, 200, 0);
        IvfIndex[] h = new IvfIndex[1];
        TestData.Source source = load(h, new IvfPqIndexFactory(), Metric.L2, data, Map.of(), dir);
        IvfIndex index = h[0];
        index.awaitTraining();
        index.trainNow();
        assertEquals(8, index.layout().pq.m, "default pqM = dim/8");
        int nlist = index.layout().nlist;
        float[][] queries = TestData.clustered(new Random(1), 200, DIM, 200, 0);
        double r = measure(
                index,
                source,
                Metric.L2,
                queries,
                Map.of("nprobe", Math.max(1, nlist / 8)),
                "ivf-pq nlist " + nlist + " pqM 8 rerank 4");
        assertTrue(r >= 0.90, "recall " + r);
        assertTrue(index.memoryBytes() <= 4L * N * DIM / 8, "memory " + index.memoryBytes());
        index.close();
    }

    @Test
    void scoresAreOnTheMetricsScale() throws Exception {
        for (VectorIndexFactory f : List.of(new IvfIndexFactory(), new IvfPqIndexFactory())) {
            for (Metric metric : Metric.values()) {
                if (!f.supports(metric)) {
                    continue; // refused at open: IvfMetricsTest
                }
                Random random = new Random(3);
                float[][] data = TestData.clustered(random, 4000, DIM, 20, 0.5);
                if (metric == Metric.COSINE) {
                    for (float[] v : data) {
                        TestData.normalize(v);
                    }
                }
                IvfIndex[] h = new IvfIndex[1];
                TestData.Source source = load(h, f, metric, data, Map.of("nlist", 32), dir);
                IvfIndex index = h[0];
                index.trainNow();
                assertFalse(index.layout().exact);
                float[] q = data[7].clone();
                for (int d = 0; d < DIM; d++) {
                    q[d] += 0.01f;
                }
                if (metric == Metric.COSINE) {
                    TestData.normalize(q);
                }
                ScoredOrdinals r = index.search(q, 5, null, Map.of());
                assertEquals(5, r.size());
                for (int i = 0; i < r.size(); i++) {
                    float expected = IvfMetricsTest.score(metric, q, source.get(r.ordinals()[i]));
                    assertEquals(expected, r.scores()[i], 1e-3f, f.type() + " " + metric);
                    if (i > 0) {
                        assertTrue(r.scores()[i] <= r.scores()[i - 1], "best first");
                    }
                }
                if (metric == Metric.COSINE) {
                    assertTrue(r.scores()[0] <= 1.0001f && r.scores()[0] > 0.9f, "cosine " + r.scores()[0]);
                } else if (metric == Metric.L2 || metric == Metric.MANHATTAN) {
                    assertTrue(r.scores()[0] <= 0, "negated distance");
                }
                index.close();
            }
        }
    }

    @Test
    void deletedVectorsAreNeverReturnedAndCanComeBack() throws Exception {
        for (VectorIndexFactory f : List.of(new IvfIndexFactory(), new IvfPqIndexFactory())) {
            Random random = new Random(4);
            float[][] data = TestData.clustered(random, 6000, DIM, 30, 0);
            IvfIndex[] h = new IvfIndex[1];
            TestData.Source source = load(h, f, Metric.L2, data, Map.of("nlist", 64), dir);
            IvfIndex index = h[0];
            index.trainNow();
            for (int o = 0; o < 6000; o += 2) {
                index.remove(o);
                source.kill(o);
            }
            assertEquals(3000, index.size());
            for (int i = 0; i < 50; i++) {
                ScoredOrdinals r = index.search(data[i * 2], 10, null, Map.of("nprobe", 64));
                assertEquals(10, r.size());
                for (int o : r.ordinals()) {
                    assertEquals(1, o % 2, "deleted ordinal " + o + " returned");
                }
            }
            // re-add an ordinal (replacing its vector): found again, exactly once
            float[] moved = data[11];
            source.put(10, moved);
            index.add(10, moved);
            index.add(10, moved);
            assertEquals(3001, index.size());
            ScoredOrdinals r = index.search(moved, 2, null, Map.of("nprobe", 64));
            assertEquals(java.util.Set.of(10, 11), java.util.Set.of(r.ordinals()[0], r.ordinals()[1]));
            index.close();
        }
    }

    @Test
    void driftTriggersRetrainingAndRecallHolds() throws Exception {
        Random random = new Random(5);
        TestData.Source source = new TestData.Source(DIM);
        IvfIndex index = TestData.open(new IvfIndexFactory(), Metric.L2, source, Map.of(), dir);
        float[][] a = TestData.clustered(random, 8000, DIM, 50, 0);
        for (int i = 0; i < a.length; i++) {
            source.put(i, a[i]);
            index.add(i, a[i]);
        }
        index.awaitTraining();
        index.trainNow();
        int before = index.trainings.get();
        double trainMean = index.layout().trainMeanDistance;
        // a second family of clusters far away: only 3k more (well below the 4x growth trigger)
        float[][] b = TestData.clustered(random, 3000, DIM, 50, 20);
        for (int i = 0; i < b.length; i++) {
            source.put(8000 + i, b[i]);
            index.add(8000 + i, b[i]);
        }
        index.awaitTraining();
        assertTrue(index.trainings.get() > before, "retrained on drift");
        assertTrue(index.layout().trainedSize > 8000);
        System.out.printf(
                "drift: trained mean distance %.3f, after retraining %.3f, %d trainings%n",
                trainMean, index.layout().trainMeanDistance, index.trainings.get());
        double sum = 0;
        int nlist = index.layout().nlist;
        for (int i = 0; i < 100; i++) {
            float[] q = (i % 2 == 0 ? a : b)[random.nextInt(i % 2 == 0 ? a.length : b.length)];
            sum += recall(
                    bruteForce(source, Metric.L2, q, 10, null),
                    index.search(q, 10, null, Map.of("nprobe", Math.max(1, nlist / 8))));
        }
        assertTrue(sum / 100 >= 0.9, "recall after drift " + sum / 100);
        index.close();
    }

    @Test
    void concurrentAddsRemovesAndSearches() throws Exception {
        for (VectorIndexFactory f : List.of(new IvfIndexFactory(), new IvfPqIndexFactory())) {
            Random random = new Random(6);
            float[][] data = TestData.clustered(random, 12000, DIM, 40, 0);
            TestData.Source source = new TestData.Source(DIM);
            for (int i = 0; i < data.length; i++) {
                source.put(i, data[i]); // the store publishes before the index sees the vector
            }
            IvfIndex index = TestData.open(f, Metric.L2, source, Map.of(), dir);
            AtomicBoolean running = new AtomicBoolean(true);
            Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
            AtomicInteger searches = new AtomicInteger();
            Thread[] writers = new Thread[2];
            for (int w = 0; w < writers.length; w++) {
                int first = w;
                writers[w] = new Thread(() -> {
                    try {
                        // each writer owns the ordinals of one parity and removes its own earlier ones
                        for (int o = first; o < data.length; o += 2) {
                            index.add(o, data[o]);
                            if (o >= 2 && (o - 2) % 7 == 0) {
                                index.remove(o - 2);
                            }
                        }
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                });
            }
            Thread[] readers = new Thread[2];
            for (int r = 0; r < readers.length; r++) {
                readers[r] = new Thread(() -> {
                    Random rr = new Random();
                    while (running.get()) {
                        try {
                            ScoredOrdinals res = index.search(
                                    data[rr.nextInt(data.length)],
                                    10,
                                    TestData.filter(o -> o % 3 != 0, Integer.MAX_VALUE),
                                    Map.of());
                            for (int o : res.ordinals()) {
                                if (o % 3 == 0) {
                                    errors.add(new AssertionError("filtered ordinal returned"));
                                }
                            }
                            searches.incrementAndGet();
                        } catch (Throwable t) {
                            errors.add(t);
                        }
                    }
                });
                readers[r].start();
            }
            for (Thread t : writers) {
                t.start();
            }
            for (Thread t : writers) {
                t.join();
            }
            index.awaitTraining();
            running.set(false);
            for (Thread t : readers) {
                t.join();
            }
            assertTrue(errors.isEmpty(), () -> errors.size() + " errors, e.g. " + errors.peek());
            assertTrue(searches.get() > 0);
            assertFalse(index.layout().exact, "trained while writes and searches went on");
            int removed = 0;
            for (int o = 0; o + 2 < data.length; o++) {
                removed += o % 7 == 0 ? 1 : 0;
            }
            assertEquals(data.length - removed, index.size());
            for (int i = 0; i < 20; i++) {
                for (int o : index.search(data[i * 7], 10, null, Map.of()).ordinals()) {
                    assertTrue(o % 7 != 0 || o + 2 >= data.length, "removed ordinal " + o + " returned");
                }
            }
            index.close();
        }
    }

    @Test
    void filteredRecallAtOneAndTenPercent() throws Exception {
        for (VectorIndexFactory f : List.of(new IvfIndexFactory(), new IvfPqIndexFactory())) {
            Random random = new Random(7);
            float[][] data = TestData.clustered(random, N, DIM, 200, 0);
            IvfIndex[] h = new IvfIndex[1];
            TestData.Source source = load(h, f, Metric.L2, data, Map.of(), dir);
            IvfIndex index = h[0];
            index.awaitTraining();
            index.trainNow();
            int nlist = index.layout().nlist;
            for (int percent : new int[] {1, 10}) {
                int mod = 100 / percent;
                double sum = 0;
                for (int i = 0; i < 100; i++) {
                    float[] q = data[random.nextInt(N)];
                    int[] truth = bruteForce(source, Metric.L2, q, 10, o -> o % mod == 0);
                    ScoredOrdinals r = index.search(
                            q,
                            10,
                            TestData.filter(o -> o % mod == 0, N / mod),
                            Map.of("nprobe", Math.max(1, nlist / 8)));
                    assertEquals(10, r.size(), "k results when k match");
                    for (int o : r.ordinals()) {
                        assertEquals(0, o % mod);
                    }
                    sum += recall(truth, r);
                }
                System.out.printf("%s filtered %d%%: recall@10 %.3f%n", f.type(), percent, sum / 100);
                assertTrue(sum / 100 >= 0.95, f.type() + " " + percent + "%: " + sum / 100);
            }
            // a filter matching only 3 records answers exactly those 3
            ScoredOrdinals r = index.search(data[0], 10, TestData.filter(o -> o < 3, 3), Map.of());
            assertEquals(3, r.size());
            index.close();
        }
    }

    @Test
    void searchBeforeTrainingIsExact() {
        TestData.Source source = new TestData.Source(DIM);
        IvfIndex index = TestData.open(new IvfPqIndexFactory(), Metric.DOT, source, Map.of(), dir);
        float[][] data = TestData.clustered(new Random(8), 500, DIM, 5, 0);
        for (int i = 0; i < data.length; i++) {
            source.put(i, data[i]);
            index.add(i, data[i]);
        }
        assertTrue(index.layout().exact);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(
                    bruteForce(source, Metric.DOT, data[i], 10, null),
                    index.search(data[i], 10, null, Map.of()).ordinals());
        }
    }

    static void assertField(String field, Executable call) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, call);
        assertEquals(field, e.field(), e.getMessage());
    }

    @Test
    void parametersAreValidatedAndNamed() {
        IvfIndexFactory ivf = new IvfIndexFactory();
        IvfPqIndexFactory pq = new IvfPqIndexFactory();
        assertEquals(Map.of("nlist", "auto", "nprobe", "auto"), ivf.validateBuildParams(Map.of()));
        assertEquals(Map.of("nlist", 100, "nprobe", 4), ivf.validateBuildParams(Map.of("nlist", 100L, "nprobe", 4.0)));
        assertEquals(
                Map.of("nlist", "auto", "nprobe", "auto", "pqM", "auto", "rerank", 4),
                pq.validateBuildParams(Map.of()));
        assertField("index.nlist", () -> ivf.validateBuildParams(Map.of("nlist", 0L)));
        assertField("index.nlist", () -> ivf.validateBuildParams(Map.of("nlist", 70000L)));
        assertField("index.nlist", () -> ivf.validateBuildParams(Map.of("nlist", 2.5)));
        assertField("index.nprobe", () -> ivf.validateBuildParams(Map.of("nprobe", "many")));
        assertField("index.pqM", () -> ivf.validateBuildParams(Map.of("pqM", 8L)));
        assertField("index.m", () -> ivf.validateBuildParams(Map.of("m", 8L)));
        assertField("index.rerank", () -> pq.validateBuildParams(Map.of("rerank", -1L)));
        Map<String, Object> bad = pq.validateBuildParams(Map.of("pqM", 7L));
        assertField(
                "index.pqM",
                () -> pq.open(new dev.caracal.vector.index.IndexContext(
                        "c",
                        Metric.L2,
                        new dev.caracal.vector.IndexSpec("ivf-pq", bad),
                        new TestData.Source(DIM),
                        dir)));

        assertEquals(Map.of("nprobe", 65536), ivf.validateQueryParams(Map.of("nprobe", 1_000_000L)));
        assertEquals(Map.of(), ivf.validateQueryParams(null));
        assertField("params.nprobe", () -> ivf.validateQueryParams(Map.of("nprobe", 1.5)));
        assertField("params.nprobe", () -> ivf.validateQueryParams(Map.of("nprobe", 0L)));
        assertField("params.nprobe", () -> ivf.validateQueryParams(Map.of("nprobe", "3")));
        assertField("params.rerank", () -> ivf.validateQueryParams(Map.of("rerank", 3L)));
        assertField("params.ef", () -> pq.validateQueryParams(Map.of("ef", 3L)));
        assertEquals(Map.of("rerank", 8), pq.validateQueryParams(new HashMap<>(Map.of("rerank", 8L))));
    }

    @Test
    void kMeansIsDeterministicForASeed() {
        float[][] rows = TestData.clustered(new Random(9), 3000, 16, 10, 0);
        float[] data = new float[3000 * 16];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, data, i * 16, 16);
        }
        float[] a = KMeans.train(data, 3000, 16, 20, 15, 42, VectorMath.get(), () -> false);
        float[] b = KMeans.train(data, 3000, 16, 20, 15, 42, VectorMath.get(), () -> false);
        float[] c = KMeans.train(data, 3000, 16, 20, 15, 43, VectorMath.get(), () -> false);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }
}
