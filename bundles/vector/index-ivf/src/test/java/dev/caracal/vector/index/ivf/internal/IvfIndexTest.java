package dev.caracal.vector.index.ivf.internal;

import static dev.caracal.vector.index.testkit.GroundTruth.bruteForce;
import static dev.caracal.vector.index.testkit.GroundTruth.recall;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.testkit.IndexTestData;
import dev.caracal.vector.math.VectorMath;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class IvfIndexTest {
    static final int N = 20_000;
    static final int DIM = 64;

    @TempDir
    Path dir;

    /** An index of {@code factory} over {@value #N} clustered vectors, trained on all of them, and its source. */
    record Trained(IvfIndex index, IndexTestData.Source source) {}

    Trained trainedOnEverything(VectorIndexFactory factory) throws InterruptedException {
        float[][] data = IndexTestData.clustered(new Random(1), N, DIM, 200, 0);
        IndexTestData.Source source = new IndexTestData.Source(DIM);
        IvfIndex index = IndexTestData.openIndex(factory, Metric.L2, source, Map.of(), dir);
        for (int i = 0; i < data.length; i++) {
            source.put(i, data[i]);
            index.add(i, data[i]);
        }
        index.awaitTraining();
        index.trainNow(); // train on everything (the background one trained on a prefix)
        assertFalse(index.layout().exact);
        return new Trained(index, source);
    }

    /** Mean recall@10 of 200 queries from the same centres, probing an eighth of the lists; prints QPS and memory. */
    double recallProbingAnEighth(Trained t, String label) {
        IvfIndex index = t.index();
        int nlist = index.layout().nlist;
        Map<String, Object> p = Map.of("nprobe", Math.max(1, nlist / 8));
        float[][] queries = IndexTestData.clustered(new Random(1), 200, DIM, 200, 0); // same centres (same seed)
        long t0 = System.nanoTime();
        ScoredOrdinals[] results = new ScoredOrdinals[queries.length];
        for (int i = 0; i < queries.length; i++) {
            results[i] = index.search(queries[i], 10, null, p);
        }
        long t1 = System.nanoTime();
        double sum = 0;
        for (int i = 0; i < queries.length; i++) {
            sum += recall(bruteForce(t.source(), Metric.L2, queries[i], 10, null), results[i]);
        }
        double r = sum / queries.length;
        System.out.printf(
                "%s nlist %d nprobe %d: recall@10 %.3f, %.0f QPS (single thread), memory %d bytes = %.3f of floats%n",
                label,
                nlist,
                nlist / 8,
                r,
                queries.length / ((t1 - t0) / 1e9),
                index.memoryBytes(),
                index.memoryBytes() / (4.0 * index.size() * DIM));
        return r;
    }

    @Test
    void ivfTrainedOnEverythingRecall() throws Exception {
        Trained t = trainedOnEverything(new IvfIndexFactory());
        assertEquals(IvfParams.autoNlist(N), t.index().layout().nlist);
        double r = recallProbingAnEighth(t, "ivf");
        assertTrue(r >= 0.95, "recall " + r);
        assertEquals(N, t.index().size());
        t.index().close();
    }

    @Test
    void ivfPqTrainedOnEverythingRecallAndMemory() throws Exception {
        Trained t = trainedOnEverything(new IvfPqIndexFactory());
        IvfIndex index = t.index();
        assertEquals(8, index.layout().pq.m, "default pqM = dim/8");
        double r = recallProbingAnEighth(t, "ivf-pq pqM 8 rerank 4");
        assertTrue(r >= 0.90, "recall " + r);
        assertTrue(index.memoryBytes() <= 4L * N * DIM / 8, "memory " + index.memoryBytes());
        index.close();
    }

    @Test
    void driftTriggersRetrainingAndRecallHolds() throws Exception {
        Random random = new Random(5);
        IndexTestData.Source source = new IndexTestData.Source(DIM);
        IvfIndex index = IndexTestData.openIndex(new IvfIndexFactory(), Metric.L2, source, Map.of(), dir);
        float[][] a = IndexTestData.clustered(random, 8000, DIM, 50, 0);
        for (int i = 0; i < a.length; i++) {
            source.put(i, a[i]);
            index.add(i, a[i]);
        }
        index.awaitTraining();
        index.trainNow();
        int before = index.trainings.get();
        double trainMean = index.layout().trainMeanDistance;
        // a second family of clusters far away: only 3k more (well below the 4x growth trigger)
        float[][] b = IndexTestData.clustered(random, 3000, DIM, 50, 20);
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

    /** A training that finds nothing to train on stops logging writes, or every later add would keep a copy. */
    @Test
    void aTrainingOfAnEmptyIndexLeavesNoWriteLogBehind() throws Exception {
        IndexTestData.Source source = new IndexTestData.Source(DIM);
        IvfIndex index = IndexTestData.openIndex(new IvfIndexFactory(), Metric.L2, source, Map.of(), dir);
        index.trainNow();
        assertFalse(index.rebuilding(), "no rebuild is left logging writes");
        float[] v = new float[DIM];
        v[0] = 1;
        source.put(0, v);
        index.add(0, v);
        assertFalse(index.rebuilding());
        assertEquals(1, index.size());
        index.close();
    }

    /** Until it has trained, each type answers by exact scan: ivf-pq for dot, ivf for manhattan (L1). */
    @Test
    void searchBeforeTrainingIsExact() {
        assertExactBeforeTraining(
                new IvfPqIndexFactory(), Metric.DOT, IndexTestData.clustered(new Random(8), 500, DIM, 5, 0));
        assertExactBeforeTraining(
                new IvfIndexFactory(), Metric.MANHATTAN, IndexTestData.clustered(new Random(21), 1000, 32, 60, 0));
    }

    private void assertExactBeforeTraining(VectorIndexFactory factory, Metric metric, float[][] data) {
        IndexTestData.Source source = new IndexTestData.Source(data[0].length);
        IvfIndex index = IndexTestData.openIndex(factory, metric, source, Map.of(), dir.resolve(metric.id()));
        for (int i = 0; i < data.length; i++) {
            source.put(i, data[i]);
            index.add(i, data[i]);
        }
        assertTrue(index.layout().exact);
        for (int i = 0; i < 20; i++) {
            float[] q = data[i * 13 % data.length];
            assertArrayEquals(
                    bruteForce(source, metric, q, 10, null),
                    index.search(q, 10, null, Map.of()).ordinals(),
                    metric.id());
        }
        index.close();
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
                        new IndexTestData.Source(DIM),
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
        float[][] rows = IndexTestData.clustered(new Random(9), 3000, 16, 10, 0);
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
