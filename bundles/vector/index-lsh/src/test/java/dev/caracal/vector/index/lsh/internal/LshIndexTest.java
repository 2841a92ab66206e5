package dev.caracal.vector.index.lsh.internal;

import static dev.caracal.vector.index.lsh.internal.TestData.bruteForce;
import static dev.caracal.vector.index.lsh.internal.TestData.recall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class LshIndexTest {
    static final int N = 20_000;
    static final int DIM = 64;
    final LshIndexFactory factory = new LshIndexFactory();

    @TempDir
    Path dir;

    static float[][] data(Metric metric, long seed, int n) {
        float[][] data = TestData.clustered(new Random(seed), n, DIM, 200, 0);
        if (metric == Metric.COSINE) {
            for (float[] v : data) {
                TestData.normalize(v);
            }
        }
        return data;
    }

    LshIndex load(TestData.Source source, Metric metric, float[][] data, Map<String, Object> params) {
        LshIndex index = TestData.open(factory, metric, source, params, dir);
        for (int i = 0; i < data.length; i++) {
            source.put(i, data[i]);
            index.add(i, data[i]);
        }
        return index;
    }

    static double measure(
            LshIndex index,
            TestData.Source source,
            Metric metric,
            float[][] queries,
            Map<String, Object> p,
            String label) {
        ScoredOrdinals[] results = new ScoredOrdinals[queries.length];
        long t0 = System.nanoTime();
        for (int i = 0; i < queries.length; i++) {
            results[i] = index.search(queries[i], 10, null, p);
        }
        long t1 = System.nanoTime();
        double sum = 0;
        for (int i = 0; i < queries.length; i++) {
            assertEquals(10, results[i].size());
            sum += recall(bruteForce(source, metric, queries[i], 10, null), results[i]);
        }
        double r = sum / queries.length;
        System.out.printf(
                "lsh %s %s %s: recall@10 %.3f, %.0f QPS (single thread), memory %d bytes%n",
                metric, label, index.describeTables(), r, queries.length / ((t1 - t0) / 1e9), index.memoryBytes());
        return r;
    }

    @Test
    void recallAtDefaultParametersForCosineAndL2() throws Exception {
        for (Metric metric : new Metric[] {Metric.COSINE, Metric.L2}) {
            float[][] data = data(metric, 1, N);
            TestData.Source source = new TestData.Source(DIM);
            LshIndex index = load(source, metric, data, Map.of());
            index.awaitBuild();
            assertTrue(index.hashed());
            float[][] queries = data(metric, 1, 200); // same centres (same seed), fresh points
            for (int probes : new int[] {0, 4, 8, 16, 32}) {
                measure(index, source, metric, queries, Map.of("probes", probes), "probes " + probes);
            }
            double r = measure(index, source, metric, queries, Map.of(), "defaults");
            assertTrue(r >= 0.9, metric + " recall " + r);
            assertEquals(N, index.size());
            index.close();
        }
    }

    @Test
    void scoresAreOnTheMetricsScale() throws Exception {
        for (Metric metric : Metric.values()) {
            if (!factory.supports(metric)) {
                continue; // manhattan, hamming, jaccard: the store answers those by exact scan, never with lsh
            }
            float[][] data = TestData.clustered(new Random(3), 4000, DIM, 20, 0.5);
            if (metric == Metric.COSINE) {
                for (float[] v : data) {
                    TestData.normalize(v);
                }
            }
            TestData.Source source = new TestData.Source(DIM);
            LshIndex index = load(source, metric, data, Map.of());
            index.awaitBuild();
            assertTrue(index.hashed());
            for (int i = 0; i < 20; i++) {
                float[] q = data[i * 13];
                ScoredOrdinals r = index.search(q, 10, null, Map.of());
                assertEquals(10, r.size());
                for (int j = 0; j < r.size(); j++) {
                    float expected = TestData.score(metric, q, source.get(r.ordinals()[j]));
                    assertEquals(expected, r.scores()[j], 1e-3 * Math.max(1, Math.abs(expected)), metric.id());
                    if (j > 0) {
                        assertTrue(r.scores()[j] <= r.scores()[j - 1], "best first");
                    }
                }
                if (metric != Metric.DOT) {
                    assertEquals(i * 13, r.ordinals()[0], "a stored vector finds itself");
                }
            }
            index.close();
        }
    }

    @Test
    void deletedVectorsAreNeverReturnedAndCanComeBack() throws Exception {
        for (Metric metric : new Metric[] {Metric.COSINE, Metric.L2}) {
            float[][] data = data(metric, 4, 5000);
            TestData.Source source = new TestData.Source(DIM);
            LshIndex index = load(source, metric, data, Map.of());
            index.awaitBuild();
            for (int o = 0; o < data.length; o += 2) {
                index.remove(o);
                source.kill(o);
            }
            assertEquals(2500, index.size());
            for (int i = 0; i < 100; i++) {
                ScoredOrdinals r = index.search(data[i * 2], 10, null, Map.of());
                assertEquals(10, r.size());
                for (int o : r.ordinals()) {
                    assertEquals(1, o % 2, "deleted ordinal " + o + " returned");
                }
                ScoredOrdinals f = index.search(data[i * 2], 10, TestData.filter(o -> o % 4 == 0, 1250), Map.of());
                assertEquals(0, f.size(), "filter accepting only deleted ordinals");
            }
            index.add(0, data[0]);
            source.put(0, data[0]);
            assertEquals(0, index.search(data[0], 1, null, Map.of()).ordinals()[0], "re-added ordinal found");
            index.close();
        }
    }

    @Test
    void filteredSearchAtOneAndTenPercent() throws Exception {
        float[][] data = data(Metric.L2, 7, N);
        TestData.Source source = new TestData.Source(DIM);
        LshIndex index = load(source, Metric.L2, data, Map.of());
        index.awaitBuild();
        Random random = new Random(7);
        for (int percent : new int[] {1, 10, 50}) {
            int mod = 100 / percent;
            double sum = 0;
            for (int i = 0; i < 100; i++) {
                float[] q = data[random.nextInt(N)];
                int[] truth = bruteForce(source, Metric.L2, q, 10, o -> o % mod == 0);
                ScoredOrdinals r = index.search(q, 10, TestData.filter(o -> o % mod == 0, N / mod), Map.of());
                assertEquals(10, r.size(), "k results when k match");
                for (int o : r.ordinals()) {
                    assertEquals(0, o % mod);
                }
                sum += recall(truth, r);
            }
            System.out.printf("lsh filtered %d%%: recall@10 %.3f%n", percent, sum / 100);
            assertTrue(sum / 100 >= (percent == 1 ? 0.999 : 0.85), percent + "%: " + sum / 100);
        }
        assertEquals(
                3,
                index.search(data[0], 10, TestData.filter(o -> o < 3, 3), Map.of())
                        .size());
        index.close();
    }

    @Test
    void smallIndexesScanExactly() {
        float[][] data = data(Metric.DOT, 8, 500);
        TestData.Source source = new TestData.Source(DIM);
        LshIndex index = load(source, Metric.DOT, data, Map.of());
        assertTrue(!index.hashed());
        for (int i = 0; i < 20; i++) {
            assertEquals(
                    recall(
                            bruteForce(source, Metric.DOT, data[i], 10, null),
                            index.search(data[i], 10, null, Map.of())),
                    1.0);
        }
    }

    @Test
    void concurrentAddsRemovesAndSearches() throws Exception {
        float[][] data = data(Metric.L2, 6, 12000);
        TestData.Source source = new TestData.Source(DIM);
        for (int i = 0; i < data.length; i++) {
            source.put(i, data[i]);
        }
        LshIndex index = TestData.open(factory, Metric.L2, source, Map.of(), dir);
        AtomicBoolean running = new AtomicBoolean(true);
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger searches = new AtomicInteger();
        Thread[] writers = new Thread[2];
        for (int w = 0; w < writers.length; w++) {
            int first = w;
            writers[w] = new Thread(() -> {
                try {
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
        index.awaitBuild();
        running.set(false);
        for (Thread t : readers) {
            t.join();
        }
        assertTrue(errors.isEmpty(), () -> errors.size() + " errors, e.g. " + errors.peek());
        assertTrue(searches.get() > 0);
        assertTrue(index.hashed(), "built while writes and searches went on");
        int removed = 0;
        for (int o = 0; o + 2 < data.length; o++) {
            removed += o % 7 == 0 ? 1 : 0;
        }
        assertEquals(data.length - removed, index.size());
        double sum = 0;
        for (int i = 0; i < 50; i++) {
            ScoredOrdinals r = index.search(data[i * 7 + 1], 10, null, Map.of());
            assertEquals(10, r.size());
            for (int o : r.ordinals()) {
                assertTrue(o % 7 != 0 || o + 2 >= data.length, "removed ordinal " + o + " returned");
            }
            sum += recall(
                    bruteForce(source, Metric.L2, data[i * 7 + 1], 10, o -> o % 7 != 0 || o + 2 >= data.length), r);
        }
        System.out.printf("lsh after concurrent build: recall@10 %.3f%n", sum / 50);
        assertTrue(sum / 50 >= 0.85, "recall after concurrent build " + sum / 50);
        index.close();
    }

    static void assertField(String field, Executable call) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, call);
        assertEquals(field, e.field(), e.getMessage());
    }

    @Test
    void parametersAreValidatedAndNamed() {
        assertEquals(Map.of("tables", 8, "bits", "auto", "width", "auto"), factory.validateBuildParams(Map.of()));
        assertEquals(
                Map.of("tables", 4, "bits", 20, "width", 2.5),
                factory.validateBuildParams(Map.of("tables", 4L, "bits", 20.0, "width", 2.5)));
        assertField("index.tables", () -> factory.validateBuildParams(Map.of("tables", 0L)));
        assertField("index.tables", () -> factory.validateBuildParams(Map.of("tables", 65L)));
        assertField("index.bits", () -> factory.validateBuildParams(Map.of("bits", 3L)));
        assertField("index.bits", () -> factory.validateBuildParams(Map.of("bits", 33L)));
        assertField("index.bits", () -> factory.validateBuildParams(Map.of("bits", 12.5)));
        assertField("index.width", () -> factory.validateBuildParams(Map.of("width", 0)));
        assertField("index.width", () -> factory.validateBuildParams(Map.of("width", "wide")));
        assertField("index.probes", () -> factory.validateBuildParams(Map.of("probes", 4L)));
        InvalidRequestException e =
                assertThrows(InvalidRequestException.class, () -> factory.validateBuildParams(Map.of("nlist", 4L)));
        assertTrue(e.getMessage().contains("nlist") && e.getMessage().contains("tables, bits, width"), e.getMessage());

        assertEquals(Map.of(), factory.validateQueryParams(null));
        assertEquals(Map.of("probes", 64), factory.validateQueryParams(Map.of("probes", 1000L)));
        assertEquals(Map.of("probes", 0), factory.validateQueryParams(new HashMap<>(Map.of("probes", 0L))));
        assertField("params.probes", () -> factory.validateQueryParams(Map.of("probes", -1L)));
        assertField("params.probes", () -> factory.validateQueryParams(Map.of("probes", 1.5)));
        assertField("params.probes", () -> factory.validateQueryParams(Map.of("probes", "3")));
        assertField("params.ef", () -> factory.validateQueryParams(Map.of("ef", 3L)));
    }
}
