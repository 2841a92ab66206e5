package dev.caracal.vector.index.hnsw.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resuming from a persisted graph: {@code persist(covered)}, {@code restoredOrdinals()} and the store's delta. */
class HnswPersistenceTest {
    static final int K = 10;
    static final int N = 6000;
    static final int MORE = 1500;
    final float[][] all = TestData.forMetric(TestData.clustered(new Random(21), N + MORE, 48, 30), Metric.L2);
    final float[][] queries = TestData.forMetric(TestData.clustered(new Random(22), 100, 48, 30), Metric.L2);
    final HnswIndexFactory f = new HnswIndexFactory();

    @TempDir
    Path dir;

    private HnswIndex open(Metric metric, TestData.ArraySource source, Map<String, Object> params) {
        return (HnswIndex) f.open(TestData.context(metric, source, f.validateBuildParams(params), dir));
    }

    /** Builds the first N ordinals (removing every 9th) and persists with covered N. */
    private HnswIndex buildAndPersist(TestData.ArraySource source, Map<String, Object> params) {
        HnswIndex index = open(Metric.L2, source, params);
        assertEquals(0, index.restoredOrdinals());
        for (int o = 0; o < N; o++) {
            index.add(o, all[o]);
        }
        for (int o = 0; o < N; o += 9) {
            index.remove(o);
            source.live.clear(o);
        }
        index.persist(N);
        return index;
    }

    @Test
    void reopenRestoresTheCoveredOrdinalsAndIdenticalResults() {
        TestData.ArraySource source = new TestData.ArraySource(all);
        Map<String, Object> params = Map.of("m", 12L, "efConstruction", 80L);
        HnswIndex index = buildAndPersist(source, params);
        int tombstones = index.tombstones();
        assertTrue(tombstones > 0, "the test wants tombstones in the file");
        HnswIndex reopened = open(Metric.L2, source, params);
        assertEquals(N, reopened.restoredOrdinals());
        assertEquals(index.size(), reopened.size());
        assertEquals(tombstones, reopened.tombstones(), "tombstones survive the round trip");
        for (float[] q : queries) {
            ScoredOrdinals a = index.search(q, K, null, Map.of());
            ScoredOrdinals b = reopened.search(q, K, null, Map.of());
            assertArrayEquals(a.ordinals(), b.ordinals());
            assertArrayEquals(a.scores(), b.scores());
            for (int o : b.ordinals()) {
                assertTrue(o % 9 != 0, "a removed ordinal came back: " + o);
            }
        }
        index.close();
        // removing what the index does not hold is a no-op: removed already, never added, far beyond
        int size = reopened.size();
        reopened.remove(0);
        reopened.remove(N + 5);
        reopened.remove(50_000_000);
        assertEquals(size, reopened.size());
        assertEquals(tombstones, reopened.tombstones());
        // persisting again and reopening (a second generation of the file) keeps working
        reopened.persist(N);
        reopened.close();
        HnswIndex third = open(Metric.L2, source, params);
        assertEquals(N, third.restoredOrdinals());
        assertEquals(size, third.size());
        third.close();
    }

    @Test
    void nodesAtOrAboveCoveredAreNotRestored() {
        TestData.ArraySource source = new TestData.ArraySource(all);
        HnswIndex index = open(Metric.L2, source, Map.of());
        for (int o = 0; o < N; o++) {
            index.add(o, all[o]);
        }
        index.persist(N - 100);
        index.close();
        HnswIndex reopened = open(Metric.L2, source, Map.of());
        assertEquals(N - 100, reopened.restoredOrdinals());
        assertEquals(N - 100, reopened.size());
        for (float[] q : queries) {
            for (int o : reopened.search(q, K, null, Map.of()).ordinals()) {
                assertTrue(o < N - 100);
            }
        }
        for (int o = N - 100; o < N; o++) { // what the store does next
            reopened.add(o, null);
        }
        assertEquals(N, reopened.size());
        assertEquals(N - 1, reopened.search(all[N - 1], 1, null, Map.of()).ordinals()[0]);
        reopened.close();
    }

    @Test
    void anotherMetricDimensionOrParametersStartEmpty() {
        TestData.ArraySource source = new TestData.ArraySource(all);
        Map<String, Object> params = Map.of("m", 12L);
        buildAndPersist(source, params).close();
        for (Metric other : new Metric[] {Metric.COSINE, Metric.DOT, Metric.MANHATTAN}) {
            HnswIndex x = open(other, source, params);
            assertEquals(0, x.restoredOrdinals(), other.id());
            assertEquals(0, x.size());
            x.close();
        }
        for (Map<String, Object> p : java.util.List.<Map<String, Object>>of(
                Map.of(), Map.of("m", 16L), Map.of("m", 12L, "efConstruction", 100L), Map.of("m", 12L, "ef", 64L))) {
            HnswIndex x = open(Metric.L2, source, p);
            assertEquals(0, x.restoredOrdinals(), p.toString());
            assertEquals(0, x.size());
            x.close();
        }
        float[][] wider = new float[2][49];
        HnswIndex x = open(Metric.L2, new TestData.ArraySource(wider), params);
        assertEquals(0, x.restoredOrdinals());
        x.close();
        // the matching configuration still reloads (the file was not damaged by the failed attempts)
        HnswIndex same = open(Metric.L2, source, params);
        assertEquals(N, same.restoredOrdinals());
        same.close();
    }

    @Test
    void corruptFilesStartEmptyWithoutException() throws Exception {
        TestData.ArraySource source = new TestData.ArraySource(all);
        buildAndPersist(source, Map.of()).close();
        Path file = dir.resolve(HnswIndex.FILE_NAME);
        byte[] good = Files.readAllBytes(file);
        Random r = new Random(5);
        java.util.List<byte[]> damaged = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) { // single bit flips all over the file, including the header and the checksum
            byte[] b = good.clone();
            int at = i < 4 ? i * 13 : i == 4 ? b.length - 1 : r.nextInt(b.length);
            b[at] ^= (byte) (1 << r.nextInt(8));
            damaged.add(b);
        }
        damaged.add(Arrays.copyOf(good, good.length / 2)); // truncated
        damaged.add(Arrays.copyOf(good, 10));
        damaged.add(new byte[0]);
        byte[] longer = Arrays.copyOf(good, good.length + 3); // trailing garbage
        damaged.add(longer);
        byte[] noise = new byte[good.length];
        r.nextBytes(noise);
        damaged.add(noise);
        for (byte[] b : damaged) {
            Files.write(file, b);
            HnswIndex x = open(Metric.L2, source, Map.of());
            assertEquals(0, x.restoredOrdinals());
            assertEquals(0, x.size());
            // and it works as an empty index
            x.add(1, all[1]);
            assertEquals(1, x.search(all[1], 1, null, Map.of()).ordinals()[0]);
            x.close();
        }
        Files.write(file, good);
        HnswIndex x = open(Metric.L2, source, Map.of());
        assertEquals(N, x.restoredOrdinals());
        x.close();
    }

    @Test
    void resumeWithTheStoresDeltaKeepsRecall() {
        TestData.ArraySource source = new TestData.ArraySource(all);
        for (int o = N; o < all.length; o++) {
            source.live.clear(o); // not written yet
        }
        Map<String, Object> params = new HashMap<>();
        buildAndPersist(source, params).close();

        // while the index was closed: more records die (also ones the index never saw die again), new ones arrive
        Random r = new Random(6);
        for (int i = 0; i < N / 10; i++) {
            source.live.clear(r.nextInt(N));
        }
        source.live.set(N, all.length);
        for (int o = N; o < all.length; o += 7) {
            source.live.clear(o); // written and deleted before the index reopened
        }

        HnswIndex index = open(Metric.L2, source, params);
        int covered = index.restoredOrdinals();
        assertEquals(N, covered);
        // the store's protocol: remove the dead ordinals below covered (a no-op for those the index never held or
        // removed already), add the live ones from covered on
        for (int o = 0; o < covered; o++) {
            if (!source.isLive(o)) {
                index.remove(o);
            }
        }
        for (int o = covered; o < source.maxOrdinal(); o++) {
            if (source.isLive(o)) {
                index.add(o, null);
            }
        }
        int liveCount = source.live.cardinality();
        assertEquals(liveCount, index.size());
        double sum = 0;
        for (float[] q : queries) {
            ScoredOrdinals res = index.search(q, K, null, Map.of());
            assertEquals(K, res.size());
            for (int o : res.ordinals()) {
                assertTrue(source.isLive(o), "returned dead ordinal " + o);
            }
            sum += TestData.recall(TestData.bruteForce(all, Metric.L2, q, K, source::isLive), res);
        }
        double recall = sum / queries.length;
        System.out.printf(
                "hnsw resumed with the store's delta (%d live, covered %d): recall@10 %.4f%n",
                liveCount, covered, recall);
        assertTrue(recall >= 0.95, "recall after resuming " + recall);
        assertFalse(index.search(all[N + 1], 1, null, Map.of()).size() == 0);
        index.close();
    }

    @Test
    void persistWithoutDirectoryIsANoOp() {
        HnswIndex index = (HnswIndex) f.open(
                TestData.context(Metric.L2, new TestData.ArraySource(all), f.validateBuildParams(Map.of()), null));
        index.add(0, all[0]);
        index.persist(1);
        assertEquals(0, index.restoredOrdinals());
        VectorIndex v = index;
        v.close();
    }
}
