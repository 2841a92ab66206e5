package dev.caracal.vector.index.hnsw.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorSource;
import dev.caracal.vector.index.testkit.GroundTruth;
import dev.caracal.vector.index.testkit.IndexTestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** int8 scalar quantization: recall and memory against float mode, re-ranking, persistence, training. */
class HnswInt8Test {
    static final int K = 10;
    static final Map<String, Object> INT8 = Map.of("quantization", "int8");
    final HnswIndexFactory f = new HnswIndexFactory();

    @ParameterizedTest
    @EnumSource(
            value = Metric.class,
            names = {"COSINE", "DOT", "L2"})
    void recallAndMemoryAgainstFloat(Metric metric) {
        float[][] data =
                IndexTestData.forMetric(IndexTestData.lowRankClustered(new Random(41), 15_000, 128, 40), metric);
        float[][] queries =
                IndexTestData.forMetric(IndexTestData.lowRankClustered(new Random(42), 200, 128, 40), metric);
        HnswIndex plain = IndexTestData.build(new HnswIndexFactory(), metric, data, Map.of(), null);
        HnswIndex int8 = IndexTestData.build(new HnswIndexFactory(), metric, data, INT8, null);
        assertEquals(4096, int8.quantizerTrainedOn(), "trained on a sample of the source at the first add");
        double recallFloat = GroundTruth.meanRecall(plain, data, metric, queries, K, null, null, Map.of());
        StringBuilder line = new StringBuilder();
        double recallDefault = 0;
        for (double rerank : new double[] {1, 2, 3, 5}) {
            double r = GroundTruth.meanRecall(int8, data, metric, queries, K, null, null, Map.of("rerank", rerank));
            line.append(String.format(" rerank %.0f: %.4f", rerank, r));
            if (rerank == HnswParams.DEFAULT_RERANK) {
                recallDefault = r;
            }
        }
        assertEquals(
                recallDefault,
                GroundTruth.meanRecall(int8, data, metric, queries, K, null, null, Map.of()),
                1e-9,
                "the default rerank is " + HnswParams.DEFAULT_RERANK);
        System.out.printf(
                "hnsw int8 15k x 128 %s: float recall@10 %.4f, int8%s; memory %d vs %d bytes (%.0f vs %.0f "
                        + "bytes/vector)%n",
                metric.id(),
                recallFloat,
                line,
                int8.memoryBytes(),
                plain.memoryBytes(),
                int8.memoryBytes() / (double) data.length,
                plain.memoryBytes() / (double) data.length);
        assertTrue(recallDefault >= 0.95, "int8 recall " + recallDefault);
        // no float copy: 128 dims cost 128 bytes + a norm instead of 512 bytes a vector
        assertTrue(int8.memoryBytes() < 0.55 * plain.memoryBytes(), int8.memoryBytes() + " vs " + plain.memoryBytes());
        // scores are exact (re-ranked with the source's vectors) and best first
        for (float[] q : queries) {
            ScoredOrdinals res = int8.search(q, K, null, Map.of());
            assertEquals(K, res.size());
            for (int i = 0; i < res.size(); i++) {
                float expected = GroundTruth.score(metric, q, data[res.ordinals()[i]]);
                assertEquals(expected, res.scores()[i], 1e-4f * Math.max(1f, Math.abs(expected)));
                if (i > 0) {
                    assertTrue(res.scores()[i - 1] >= res.scores()[i]);
                }
            }
        }
        plain.close();
        int8.close();
    }

    @Test
    void otherMetricsAreRefusedAtOpen() {
        for (Metric metric : new Metric[] {Metric.MANHATTAN, Metric.HAMMING, Metric.JACCARD}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> f.open(IndexTestData.context(
                            f,
                            metric,
                            IndexTestData.Source.of(new float[][] {{1, 0}}),
                            f.validateBuildParams(INT8),
                            null)));
            assertEquals(
                    "hnsw quantization int8 supports the cosine, dot and l2 metrics; collection 'test' uses "
                            + metric.id() + " (use quantization none)",
                    e.getMessage());
        }
    }

    /** A source that only knows the ordinals published so far (a collection being filled). */
    static class GrowingSource implements VectorSource {
        final float[][] data;
        volatile int published;

        GrowingSource(float[][] data) {
            this.data = data;
        }

        @Override
        public int dimension() {
            return data[0].length;
        }

        @Override
        public int maxOrdinal() {
            return published;
        }

        @Override
        public boolean isLive(int ordinal) {
            return ordinal < published;
        }

        @Override
        public void copyVector(int ordinal, float[] target) {
            if (ordinal >= published) {
                throw new IndexOutOfBoundsException("ordinal " + ordinal);
            }
            System.arraycopy(data[ordinal], 0, target, 0, target.length);
        }
    }

    /** An empty int8 index over {@code source} for the l2 metric. */
    private HnswIndex openL2Int8(VectorSource source) {
        return (HnswIndex) f.open(new dev.caracal.vector.index.IndexContext(
                "test",
                Metric.L2,
                new dev.caracal.vector.IndexSpec("hnsw", f.validateBuildParams(INT8)),
                source,
                null));
    }

    @Test
    void aCollectionFilledOneByOneRetrainsUntilTheSampleIsFull() {
        float[][] data = IndexTestData.lowRankClustered(new Random(45), 10_000, 64, 30);
        float[][] queries = IndexTestData.lowRankClustered(new Random(46), 100, 64, 30);
        GrowingSource source = new GrowingSource(data);
        HnswIndex index = openL2Int8(source);
        for (int o = 0; o < data.length; o++) {
            source.published = o + 1;
            index.add(o, data[o]);
            if (o == 0) {
                assertTrue(index.quantizerTrainedOn() <= 2, "trained on what there is: " + index.quantizerTrainedOn());
            }
        }
        assertEquals(4096, index.quantizerTrainedOn());
        double recall = GroundTruth.meanRecall(index, data, Metric.L2, queries, K, null, null, Map.of());
        System.out.printf("hnsw int8 filled one by one (retrained up to 4096): recall@10 %.4f%n", recall);
        assertTrue(recall >= 0.95, "recall " + recall);
        index.close();
    }

    /**
     * The caller's ef is the beam: re-ranking takes the best {@code ceil(k * rerank)} of what it found, and never
     * widens it (it once did, so every ef below 30 cost as much as ef 30).
     */
    @Test
    void efBelowTheRerankCandidatesIsTheBeamAndEveryFoundNodeIsReRanked() {
        float[][] data = IndexTestData.lowRankClustered(new Random(49), 5_000, 64, 30);
        float[][] queries = IndexTestData.lowRankClustered(new Random(50), 50, 64, 30);
        AtomicInteger reads = new AtomicInteger();
        GrowingSource source = new GrowingSource(data) {
            @Override
            public void copyVector(int ordinal, float[] target) {
                reads.incrementAndGet();
                super.copyVector(ordinal, target);
            }
        };
        source.published = data.length;
        HnswIndex index = openL2Int8(source);
        for (int o = 0; o < data.length; o++) {
            index.add(o, data[o]);
        }
        double[] recall = new double[3];
        int[] efs = {K, 16, 64};
        for (int e = 0; e < efs.length; e++) {
            Map<String, Object> params = Map.of("ef", efs[e]);
            reads.set(0);
            for (float[] q : queries) {
                assertEquals(K, index.search(q, K, null, params).size());
            }
            // ef 10 and 16 re-rank all they found; ef 64 the default 3 per result
            int perQuery = Math.min(efs[e], (int) (K * HnswParams.DEFAULT_RERANK));
            assertEquals(perQuery * queries.length, reads.get(), "vectors re-ranked at ef " + efs[e]);
            recall[e] = GroundTruth.meanRecall(index, data, Metric.L2, queries, K, null, null, params);
        }
        System.out.printf(
                "hnsw int8 5k x 64, recall@10 at ef 10 / 16 / 64: %.4f / %.4f / %.4f%n",
                recall[0], recall[1], recall[2]);
        assertTrue(recall[0] <= recall[2] && recall[2] >= 0.95, "recall " + java.util.Arrays.toString(recall));
        index.close();
    }

    @Test
    void filteredSearchDeletesAndConcurrency() throws Exception {
        float[][] data =
                IndexTestData.forMetric(IndexTestData.lowRankClustered(new Random(47), 12_000, 64, 30), Metric.COSINE);
        float[][] queries =
                IndexTestData.forMetric(IndexTestData.lowRankClustered(new Random(48), 100, 64, 30), Metric.COSINE);
        HnswIndex index = (HnswIndex) f.open(IndexTestData.context(
                f, Metric.COSINE, IndexTestData.Source.of(data), f.validateBuildParams(INT8), null));
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean adding = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            threads.add(new Thread(() -> {
                try {
                    for (int o = next.getAndIncrement(); o < data.length; o = next.getAndIncrement()) {
                        index.add(o, data[o]);
                        if (o % 10 == 7) {
                            index.remove(o);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        threads.add(new Thread(() -> {
            Random r = new Random();
            try {
                while (adding.get()) {
                    ScoredOrdinals res = index.search(queries[r.nextInt(queries.length)], K, null, Map.of());
                    assertTrue(res.size() <= K);
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        }));
        threads.forEach(Thread::start);
        for (int t = 0; t < 3; t++) {
            threads.get(t).join();
        }
        adding.set(false);
        threads.get(3).join();
        assertTrue(errors.isEmpty(), () -> errors.size() + " errors, e.g. " + errors.peek());
        IntPredicate alive = o -> o % 10 != 7;
        assertEquals(data.length - data.length / 10, index.size());
        double recall = GroundTruth.meanRecall(index, data, Metric.COSINE, queries, K, null, alive, Map.of());
        System.out.printf("hnsw int8 concurrent build with deletes: recall@10 %.4f%n", recall);
        assertTrue(recall >= 0.95, "recall " + recall);
        for (int percent : new int[] {1, 10}) {
            int modulo = 100 / percent;
            IntPredicate accept = o -> o % modulo == 3 && alive.test(o);
            OrdinalFilter filter = IndexTestData.filter(accept, data.length / modulo);
            for (boolean forceTraversal : new boolean[] {false, true}) {
                index.tuning.exactScanMaxMatches = forceTraversal ? 0 : 2_000;
                index.tuning.exactScanSelectivity = forceTraversal ? 0 : 0.03;
                double sum = 0;
                for (float[] q : queries) {
                    ScoredOrdinals res = index.search(q, K, filter, Map.of());
                    assertEquals(K, res.size());
                    for (int o : res.ordinals()) {
                        assertTrue(accept.test(o));
                    }
                    sum += GroundTruth.recall(GroundTruth.bruteForce(data, Metric.COSINE, q, K, accept), res);
                }
                double r = sum / queries.length;
                System.out.printf(
                        "hnsw int8 filtered %d%% (%s): recall@10 %.4f%n",
                        percent, forceTraversal ? "filtered traversal" : "default choice", r);
                assertTrue(r >= 0.95, percent + "% " + forceTraversal + " recall " + r);
            }
        }
        index.close();
    }
}
