package dev.caracal.vector.index.kdtree.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.testkit.GroundTruth;
import dev.caracal.vector.index.testkit.IndexTestData;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class KdTreeIndexTest {
    static final int N = 20_000;
    final KdTreeIndexFactory factory = new KdTreeIndexFactory();

    @TempDir
    Path dir;

    static float[][] data(Metric metric, long seed, int n, int dim) {
        float[][] data = IndexTestData.clustered(new Random(seed), n, dim, 50, 0);
        if (metric == Metric.COSINE) {
            for (float[] v : data) {
                IndexTestData.normalize(v);
            }
        }
        return data;
    }

    /** Asserts {@code got} is the exact top k (ties aside): same size, same scores, every ordinal as good. */
    static void assertExact(
            IndexTestData.Source source,
            Metric metric,
            float[] q,
            int k,
            IntPredicate accept,
            ScoredOrdinals got,
            int[] mismatches) {
        int[] truth = GroundTruth.bruteForce(source, metric, q, k, accept);
        assertEquals(truth.length, got.size(), "result count");
        Set<Integer> truthSet = new HashSet<>();
        for (int t : truth) {
            truthSet.add(t);
        }
        float kth = truth.length == 0 ? 0 : GroundTruth.score(metric, q, source.get(truth[truth.length - 1]));
        for (int i = 0; i < got.size(); i++) {
            int o = got.ordinals()[i];
            float expected = GroundTruth.score(metric, q, source.get(truth[i]));
            assertEquals(expected, got.scores()[i], 1e-4f * Math.max(1, Math.abs(expected)), "score at rank " + i);
            assertEquals(GroundTruth.score(metric, q, source.get(o)), got.scores()[i], 1e-4f, "score of ordinal " + o);
            assertTrue(source.isLive(o), "deleted ordinal " + o + " returned");
            assertTrue(accept == null || accept.test(o), "filtered ordinal " + o + " returned");
            if (!truthSet.contains(o)) {
                mismatches[0]++;
                assertTrue(GroundTruth.score(metric, q, source.get(o)) >= kth - 1e-5f, "ordinal " + o + " is no tie");
            }
        }
    }

    @Test
    void exactAgainstBruteForceWithInsertsDeletesAndFilters() throws Exception {
        for (int dim : new int[] {3, 8, 16}) {
            for (Metric metric : new Metric[] {Metric.L2, Metric.COSINE}) {
                float[][] data = data(metric, dim, N, dim);
                float[][] updates = data(metric, dim + 100, 200, dim);
                IndexTestData.Source source = new IndexTestData.Source(dim);
                KdTreeIndex index = IndexTestData.openIndex(factory, metric, source, Map.of(), dir);
                int built = 17_000;
                for (int i = 0; i < built; i++) {
                    source.put(i, data[i]);
                    index.add(i, data[i]);
                }
                index.awaitRebuild();
                index.rebuildNow();
                assertEquals(built, index.treeSize());
                for (int i = built;
                        i < N;
                        i++) { // inserts after the build: under 25% of the tree, so they stay in the overflow
                    source.put(i, data[i]);
                    index.add(i, data[i]);
                }
                Random random = new Random(dim);
                for (int i = 0; i < 1000; i++) { // deletes, in the tree and in the overflow
                    int o = random.nextInt(N);
                    index.remove(o);
                    source.kill(o);
                }
                for (int i = 0; i < updates.length; i++) { // re-adds with a new vector: stale tree entries ignored
                    int o = random.nextInt(built);
                    source.put(o, updates[i]);
                    index.add(o, updates[i]);
                }
                index.awaitRebuild();
                assertEquals(built, index.treeSize(), "no rebuild yet");
                assertEquals(N - built + updates.length, index.overflowSize(), "searched in the overflow");
                assertEquals(source.maxOrdinal(), N);
                int live = 0;
                for (int o = 0; o < N; o++) {
                    live += source.isLive(o) ? 1 : 0;
                }
                assertEquals(live, index.size());
                int[] mismatches = {0};
                float[][] queries = data(metric, dim + 7, 200, dim);
                long t0 = System.nanoTime();
                ScoredOrdinals[] results = new ScoredOrdinals[queries.length];
                for (int i = 0; i < queries.length; i++) {
                    results[i] = index.search(queries[i], 10, null, Map.of());
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < queries.length; i++) {
                    assertExact(source, metric, queries[i], 10, null, results[i], mismatches);
                }
                long t2 = System.nanoTime();
                for (int i = 0; i < queries.length; i++) {
                    GroundTruth.bruteForce(source, metric, queries[i], 10, null);
                }
                long t3 = System.nanoTime();
                for (int percent : new int[] {1, 10}) {
                    int mod = 100 / percent;
                    IntPredicate accept = o -> o % mod == 3;
                    for (float[] q : queries) {
                        assertExact(
                                source,
                                metric,
                                q,
                                10,
                                accept,
                                index.search(q, 10, IndexTestData.filter(accept, N / mod), Map.of()),
                                mismatches);
                    }
                }
                System.out.printf(
                        "kdtree dim %d %s: exact on %d queries x 3 (none, 1%%, 10%% filters), %d ties "
                                + "swapped; %.0f QPS single thread (the test's naive double-precision brute force: %.0f QPS); tree %d + "
                                + "overflow %d, memory %d bytes%n",
                        dim,
                        metric,
                        queries.length,
                        mismatches[0],
                        queries.length / ((t1 - t0) / 1e9),
                        queries.length / ((t3 - t2) / 1e9),
                        index.treeSize(),
                        index.overflowSize(),
                        index.memoryBytes());
                index.close();
            }
        }
    }

    @Test
    void dotIsRejectedWhenTheIndexOpens() {
        Map<String, Object> p = factory.validateBuildParams(Map.of());
        InvalidRequestException e = assertThrows(
                InvalidRequestException.class,
                () -> factory.open(new IndexContext(
                        "c", Metric.DOT, new IndexSpec("kdtree", p), new IndexTestData.Source(3), dir)));
        assertEquals("index.type", e.field());
        assertTrue(e.getMessage().contains("l2 and cosine"), e.getMessage());
    }

    @Test
    void highDimensionsStillOpenAndStayExact() throws Exception {
        float[][] data = data(Metric.L2, 9, 3000, 48); // logs the dimension warning
        IndexTestData.Source source = new IndexTestData.Source(48);
        KdTreeIndex index = IndexTestData.openIndex(factory, Metric.L2, source, Map.of("leafSize", 4), dir);
        for (int i = 0; i < data.length; i++) {
            source.put(i, data[i]);
            index.add(i, data[i]);
        }
        index.awaitRebuild();
        int[] mismatches = {0};
        for (int i = 0; i < 20; i++) {
            assertExact(
                    source,
                    Metric.L2,
                    data[i * 7],
                    10,
                    null,
                    index.search(data[i * 7], 10, null, Map.of()),
                    mismatches);
        }
        assertEquals(0, index.search(data[0], 5, null, Map.of()).ordinals()[0]);
    }

    static void assertField(String field, Executable call) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, call);
        assertEquals(field, e.field(), e.getMessage());
    }

    @Test
    void parametersAreValidatedAndNamed() {
        assertEquals(Map.of("leafSize", 16), factory.validateBuildParams(Map.of()));
        assertEquals(Map.of("leafSize", 16), factory.validateBuildParams(null));
        assertEquals(Map.of("leafSize", 1), factory.validateBuildParams(Map.of("leafSize", 1L)));
        assertEquals(Map.of("leafSize", 1024), factory.validateBuildParams(Map.of("leafSize", 1024.0)));
        assertField("index.leafSize", () -> factory.validateBuildParams(Map.of("leafSize", 0)));
        assertField("index.leafSize", () -> factory.validateBuildParams(Map.of("leafSize", 1025)));
        assertField("index.leafSize", () -> factory.validateBuildParams(Map.of("leafSize", 2.5)));
        assertField("index.leafSize", () -> factory.validateBuildParams(Map.of("leafSize", "big")));
        InvalidRequestException e =
                assertThrows(InvalidRequestException.class, () -> factory.validateBuildParams(Map.of("m", 16)));
        assertEquals("index.m", e.field());
        assertTrue(e.getMessage().contains("leafSize"), e.getMessage());
        assertEquals(Map.of(), factory.validateQueryParams(null));
        assertEquals(Map.of(), factory.validateQueryParams(Map.of()));
        assertField("params.ef", () -> factory.validateQueryParams(Map.of("ef", 10)));
    }
}
