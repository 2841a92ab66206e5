package dev.caracal.vector.index.hnsw.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.testkit.GroundTruth;
import dev.caracal.vector.index.testkit.IndexTestData;
import java.util.BitSet;
import java.util.Map;
import java.util.Random;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class HnswIndexTest {
    static final int K = 10;
    final float[][] data =
            IndexTestData.forMetric(IndexTestData.lowRankClustered(new Random(7), 20_000, 64, 50), Metric.COSINE);
    final float[][] queries =
            IndexTestData.forMetric(IndexTestData.lowRankClustered(new Random(8), 100, 64, 50), Metric.COSINE);

    /**
     * A node's level comes from its ordinal, not a random generator: the same vectors added in the same order make the
     * same graph, so a rebuild finds what the build found and two builds of the code compare on equal graphs.
     */
    @Test
    void theSameAddsMakeTheSameGraph() {
        float[][] some = java.util.Arrays.copyOf(data, 5_000);
        HnswIndex first = IndexTestData.build(new HnswIndexFactory(), Metric.COSINE, some, Map.of(), null);
        HnswIndex second = IndexTestData.build(new HnswIndexFactory(), Metric.COSINE, some, Map.of(), null);
        assertEquals(first.memoryBytes(), second.memoryBytes());
        for (float[] q : queries) {
            ScoredOrdinals a = first.search(q, K, null, Map.of("ef", 12));
            ScoredOrdinals b = second.search(q, K, null, Map.of("ef", 12));
            assertArrayEquals(a.ordinals(), b.ordinals());
            assertArrayEquals(a.scores(), b.scores());
        }
    }

    /**
     * A search step may expand several candidates together (the vectors of all their new neighbours fetched at once):
     * whatever the width, the results are distinct, best first, and as good as the classic one-candidate step's.
     */
    @Test
    void expandingSeveralCandidatesAStepKeepsResults() {
        HnswIndex index = IndexTestData.build(new HnswIndexFactory(), Metric.COSINE, data, Map.of(), null);
        double classic = 0;
        for (int width : new int[] {1, 2, 3, 8}) {
            index.tuning.expansionWidth = width;
            double sum = 0;
            for (float[] q : queries) {
                ScoredOrdinals res = index.search(q, K, null, Map.of("ef", 24));
                assertEquals(K, res.size());
                assertEquals(
                        K, java.util.Arrays.stream(res.ordinals()).distinct().count(), "distinct results");
                for (int i = 1; i < K; i++) {
                    assertTrue(res.scores()[i - 1] >= res.scores()[i], "best first");
                }
                sum += GroundTruth.recall(GroundTruth.bruteForce(data, Metric.COSINE, q, K, o -> true), res);
            }
            double recall = sum / queries.length;
            System.out.printf("hnsw expansion width %d: recall@10 %.4f at ef 24%n", width, recall);
            if (width == 1) {
                classic = recall;
            }
            assertTrue(recall >= 0.9, "recall at width " + width + ": " + recall);
            assertTrue(recall >= classic - 0.01, "width " + width + ": " + recall + " against " + classic);
            // a stored vector finds itself first
            assertEquals(
                    1234, index.search(data[1234], 1, null, Map.of("ef", 24)).ordinals()[0]);
        }
        index.close();
    }

    @Test
    void deletesRepairCompactionAndReAdd() {
        HnswIndex index = IndexTestData.build(new HnswIndexFactory(), Metric.COSINE, data, Map.of(), null);
        index.tuning.compactionRatio = 1.0; // tombstones only, compaction by hand below
        BitSet removed = new BitSet();
        Random r = new Random(9);
        while (removed.cardinality() < data.length * 3 / 10) {
            int o = r.nextInt(data.length);
            if (!removed.get(o)) {
                removed.set(o);
                index.remove(o);
            }
        }
        index.remove(removed.nextSetBit(0)); // twice: no effect
        assertEquals(data.length - removed.cardinality(), index.size());
        IntPredicate alive = o -> !removed.get(o);
        double recall = recallNeverReturningRemoved(index, alive);
        System.out.printf("hnsw deletes: recall@10 %.4f with 30%% tombstoned%n", recall);
        assertTrue(recall >= 0.9, "recall after deletes " + recall);

        index.compact();
        assertEquals(0, index.tombstones());
        assertEquals(data.length - removed.cardinality(), index.size());
        recall = recallNeverReturningRemoved(index, alive);
        System.out.printf("hnsw deletes: recall@10 %.4f after compaction%n", recall);
        assertTrue(recall >= 0.9, "recall after compaction " + recall);

        // re-add the removed ordinals (freed slots are reused)
        for (int o = removed.nextSetBit(0); o >= 0; o = removed.nextSetBit(o + 1)) {
            index.add(o, data[o]);
        }
        assertEquals(data.length, index.size());
        recall = GroundTruth.meanRecall(index, data, Metric.COSINE, queries, K, null, null, Map.of());
        System.out.printf("hnsw deletes: recall@10 %.4f after re-adding%n", recall);
        assertTrue(recall >= 0.95, "recall after re-add " + recall);

        // with the default ratio, compaction happens by itself
        index.tuning.compactionRatio = 0.2;
        for (int o = 0; o < data.length / 4; o++) {
            index.remove(o);
        }
        assertTrue(index.tombstones() < data.length / 5, "compacted: " + index.tombstones());
        assertEquals(data.length - data.length / 4, index.size());
        recall = recallNeverReturningRemoved(index, o -> o >= data.length / 4);
        assertTrue(recall >= 0.9, "recall after automatic compaction " + recall);
        // removing and re-adding before compaction (a tombstoned node comes back)
        index.tuning.compactionRatio = 1.0;
        index.remove(data.length - 1);
        index.add(data.length - 1, data[data.length - 1]);
        ScoredOrdinals self = index.search(data[data.length - 1], 1, null, Map.of());
        assertEquals(data.length - 1, self.ordinals()[0]);
        index.close();
    }

    private double recallNeverReturningRemoved(HnswIndex index, IntPredicate alive) {
        double sum = 0;
        for (float[] q : queries) {
            ScoredOrdinals res = index.search(q, K, null, Map.of());
            assertEquals(K, res.size());
            for (int o : res.ordinals()) {
                assertTrue(alive.test(o), "returned removed ordinal " + o);
            }
            sum += GroundTruth.recall(GroundTruth.bruteForce(data, Metric.COSINE, q, K, alive), res);
        }
        return sum / queries.length;
    }

    @Test
    void filteredSearchKeepsRecall() {
        HnswIndex index = IndexTestData.build(new HnswIndexFactory(), Metric.COSINE, data, Map.of(), null);
        for (int percent : new int[] {1, 10}) {
            int modulo = 100 / percent;
            IntPredicate accept = o -> o % modulo == 3;
            OrdinalFilter filter = IndexTestData.filter(accept, data.length / modulo);
            for (boolean forceTraversal : new boolean[] {false, true}) {
                index.tuning.exactScanMaxMatches = forceTraversal ? 0 : 2_000;
                index.tuning.exactScanSelectivity = forceTraversal ? 0 : 0.03;
                double sum = 0;
                for (float[] q : queries) {
                    ScoredOrdinals res = index.search(q, K, filter, Map.of());
                    assertEquals(K, res.size(), "k results when k match");
                    for (int o : res.ordinals()) {
                        assertTrue(accept.test(o));
                    }
                    sum += GroundTruth.recall(GroundTruth.bruteForce(data, Metric.COSINE, q, K, accept), res);
                }
                double recall = sum / queries.length;
                System.out.printf(
                        "hnsw filtered %d%% (%s): recall@10 %.4f%n",
                        percent, forceTraversal ? "filtered traversal" : "default choice", recall);
                assertTrue(recall >= 0.95, percent + "% " + forceTraversal + " recall " + recall);
            }
        }
        // forced traversal at a small ef: two hops at 10%, the classic stepping-stone traversal at 5%
        index.tuning.exactScanMaxMatches = 0;
        index.tuning.exactScanSelectivity = 0;
        for (int percent : new int[] {5, 10}) {
            int modulo = 100 / percent;
            IntPredicate accept = o -> o % modulo == 1;
            OrdinalFilter filter = IndexTestData.filter(accept, data.length / modulo);
            double recall =
                    GroundTruth.meanRecall(index, data, Metric.COSINE, queries, K, filter, accept, Map.of("ef", 32));
            System.out.printf(
                    "hnsw filtered %d%% (filtered traversal, %s, ef 32): recall@10 %.4f%n",
                    percent, percent >= 8 ? "two hops" : "stepping stones", recall);
            assertTrue(recall >= 0.95, percent + "% at ef 32: recall " + recall);
        }
        index.tuning.exactScanMaxMatches = 2_000;
        index.tuning.exactScanSelectivity = 0.03;
        // a filter that matches fewer than k: all of them
        OrdinalFilter three = IndexTestData.filter(o -> o < 3, 3);
        assertEquals(3, index.search(queries[0], K, three, Map.of()).size());
        // an estimate that lies (says everything matches): results still only accepted ones
        OrdinalFilter liar = IndexTestData.filter(o -> o % 2 == 0, data.length);
        for (int o : index.search(queries[0], K, liar, Map.of()).ordinals()) {
            assertEquals(0, o % 2);
        }
        index.close();
    }

    @Test
    void parameterValidation() {
        HnswIndexFactory f = new HnswIndexFactory();
        assertEquals("hnsw", f.type());
        assertEquals(
                Map.of("m", 16, "efConstruction", 200, "ef", 100, "quantization", "none"),
                f.validateBuildParams(Map.of()));
        assertEquals(
                Map.of("m", 8, "efConstruction", 64, "ef", 50, "quantization", "int8"),
                f.validateBuildParams(Map.of("m", 8L, "efConstruction", 64.0, "ef", 50, "quantization", "INT8")));
        assertField(
                "index.quantization",
                "quantization must be 'none' or 'int8', got 'int4'",
                () -> f.validateBuildParams(Map.of("quantization", "int4")));
        assertField("index.quantization", null, () -> f.validateBuildParams(Map.of("quantization", 8L)));
        assertField(
                "index.m", "m must be an integer from 4 to 128, got 2", () -> f.validateBuildParams(Map.of("m", 2L)));
        assertField("index.m", null, () -> f.validateBuildParams(Map.of("m", 129L)));
        assertField("index.m", null, () -> f.validateBuildParams(Map.of("m", 16.5)));
        assertField("index.m", null, () -> f.validateBuildParams(Map.of("m", "16")));
        assertField("index.efConstruction", null, () -> f.validateBuildParams(Map.of("m", 32L, "efConstruction", 16L)));
        assertField("index.efConstruction", null, () -> f.validateBuildParams(Map.of("efConstruction", 5000L)));
        assertField("index.ef", null, () -> f.validateBuildParams(Map.of("ef", 0L)));
        assertField(
                "index.M",
                "unknown parameter 'M'; hnsw takes m, efConstruction, ef, quantization",
                () -> f.validateBuildParams(Map.of("M", 16L)));

        assertEquals(Map.of(), f.validateQueryParams(Map.of()));
        assertEquals(Map.of(), f.validateQueryParams(null));
        assertEquals(Map.of("ef", 300), f.validateQueryParams(Map.of("ef", 300L)));
        assertEquals(Map.of("ef", 300), f.validateQueryParams(Map.of("ef", 300.0)));
        assertField("params.ef", null, () -> f.validateQueryParams(Map.of("ef", "many")));
        assertField("params.ef", null, () -> f.validateQueryParams(Map.of("ef", 1.5)));
        assertField("params.ef", null, () -> f.validateQueryParams(Map.of("ef", 0L)));
        assertField("params.ef", null, () -> f.validateQueryParams(Map.of("ef", 10_001L)));
        assertField("params.nprobe", null, () -> f.validateQueryParams(Map.of("nprobe", 4L)));
        // rerank: a number of at least 1, clamped to 20
        assertEquals(Map.of("rerank", 2.0), f.validateQueryParams(Map.of("rerank", 2L)));
        assertEquals(Map.of("ef", 64, "rerank", 1.5), f.validateQueryParams(Map.of("ef", 64L, "rerank", 1.5)));
        assertEquals(Map.of("rerank", 20.0), f.validateQueryParams(Map.of("rerank", 1000L)));
        assertField(
                "params.rerank",
                "rerank must be a number of at least 1 (candidates re-ranked per result, at most " + "20), got 0.5",
                () -> f.validateQueryParams(Map.of("rerank", 0.5)));
        assertField("params.rerank", null, () -> f.validateQueryParams(Map.of("rerank", "lots")));
        assertField("params.rerank", null, () -> f.validateQueryParams(Map.of("rerank", Double.NaN)));
        assertField("params.rerank", null, () -> f.validateQueryParams(Map.of("rerank", -3L)));

        // ef below k is raised to k
        HnswIndex index = IndexTestData.build(
                new HnswIndexFactory(), Metric.COSINE, java.util.Arrays.copyOf(data, 2000), Map.of(), null);
        assertEquals(
                50,
                index.search(queries[0], 50, null, f.validateQueryParams(Map.of("ef", 1L)))
                        .size());
        index.close();
    }

    private static void assertField(String field, String message, Runnable call) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, call::run);
        assertEquals(field, e.field(), e.getMessage());
        if (message != null) {
            assertEquals(message, e.getMessage());
        }
    }

    @Test
    void sparseLargeOrdinalsAndMemory() {
        HnswIndex index =
                IndexTestData.build(new HnswIndexFactory(), Metric.L2, new float[][] {{1, 0}, {0, 1}}, Map.of(), null);
        index.add(5_000_000, new float[] {1, 1});
        index.add(100_000, new float[] {2, 2});
        assertEquals(4, index.size());
        ScoredOrdinals r = index.search(new float[] {2, 2.1f}, 4, null, Map.of());
        assertArrayEquals(new int[] {100_000, 5_000_000, 1, 0}, r.ordinals());
        assertEquals(-0.1f, r.scores()[0], 1e-5f);
        assertTrue(index.memoryBytes() > 0 && index.memoryBytes() < 10_000_000L, "" + index.memoryBytes());
        index.close();
    }
}
