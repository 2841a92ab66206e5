package dev.caracal.vector.index.ivf.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndexFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Persisting and reloading ivf and ivf-pq indexes, following the store's delta protocol. */
class IvfPersistenceTest {
    static final int DIM = 32;
    static final int N = 8000;

    @TempDir
    Path dir;

    static List<Supplier<IvfIndexFactorySupport>> factories() {
        return List.of(IvfIndexFactory::new, IvfPqIndexFactory::new);
    }

    static IvfIndex filled(
            VectorIndexFactory f,
            Metric metric,
            TestData.Source source,
            float[][] data,
            int from,
            int to,
            Map<String, Object> params,
            Path dir) {
        for (int i = from; i < to; i++) {
            source.put(i, data[i]);
        }
        IvfIndex index = TestData.open(f, metric, source, params, dir);
        for (int i = from; i < to; i++) {
            index.add(i, data[i]);
        }
        return index;
    }

    /** What the store does after open: add live ordinals from restoredOrdinals() on, remove dead ones below it. */
    static void catchUp(IvfIndex index, TestData.Source source) {
        int restored = index.restoredOrdinals();
        for (int o = 0; o < restored; o++) {
            if (!source.isLive(o)) {
                index.remove(o);
            }
        }
        for (int o = restored; o < source.maxOrdinal(); o++) {
            if (source.isLive(o)) {
                index.add(o, source.get(o));
            }
        }
    }

    static float[][] queries(float[][] data, int count, long seed) {
        Random random = new Random(seed);
        float[][] out = new float[count][];
        for (int i = 0; i < count; i++) {
            out[i] = data[random.nextInt(data.length)].clone();
            for (int d = 0; d < out[i].length; d++) {
                out[i][d] += (float) (0.1 * random.nextGaussian());
            }
        }
        return out;
    }

    @Test
    void roundTripGivesTheSameResults() throws Exception {
        for (Supplier<IvfIndexFactorySupport> make : factories()) {
            for (Metric metric : List.of(Metric.L2, Metric.DOT)) {
                Path d = dir.resolve(make.get().type() + "-" + metric.id());
                float[][] data = TestData.clustered(new Random(31), N, DIM, 40, 0);
                TestData.Source source = new TestData.Source(DIM);
                IvfIndex index = filled(make.get(), metric, source, data, 0, N, Map.of("nlist", 64), d);
                index.awaitTraining();
                index.trainNow();
                for (int o = 0; o < N; o += 10) { // some removed before persisting: not written
                    index.remove(o);
                    source.kill(o);
                }
                float[][] qs = queries(data, 50, 32);
                ScoredOrdinals[] before = new ScoredOrdinals[qs.length];
                for (int i = 0; i < qs.length; i++) {
                    before[i] = index.search(qs[i], 10, null, Map.of("nprobe", 8));
                }
                int size = index.size();
                int nlist = index.layout().nlist;
                index.persist(N);
                index.close();
                assertFalse(Files.exists(
                        d.resolve(IvfPersistence.fileName(make.get().type()) + ".tmp")));

                IvfIndex reopened = TestData.open(make.get(), metric, source, Map.of("nlist", 64), d);
                assertEquals(N, reopened.restoredOrdinals());
                assertEquals(size, reopened.size());
                assertFalse(reopened.layout().exact);
                assertEquals(nlist, reopened.layout().nlist);
                catchUp(reopened, source); // nothing changed: a no-op
                assertEquals(size, reopened.size());
                for (int i = 0; i < qs.length; i++) {
                    ScoredOrdinals after = reopened.search(qs[i], 10, null, Map.of("nprobe", 8));
                    assertArrayEquals(
                            before[i].ordinals(), after.ordinals(), make.get().type() + " " + metric);
                    assertArrayEquals(before[i].scores(), after.scores(), 0f);
                }
                assertEquals(0, reopened.trainings.get(), "no retraining after a reload");
                reopened.close();
            }
        }
    }

    @Test
    void deltaProtocolKeepsRecall() throws Exception {
        for (Supplier<IvfIndexFactorySupport> make : factories()) {
            Path d = dir.resolve(make.get().type());
            float[][] data = TestData.clustered(new Random(41), N + 3000, DIM, 40, 0);
            TestData.Source source = new TestData.Source(DIM);
            IvfIndex index = filled(make.get(), Metric.L2, source, data, 0, N, Map.of(), d);
            index.awaitTraining();
            index.trainNow();
            index.persist(N);
            index.close();

            // while the index was closed: a third of the persisted ordinals deleted, 3000 new ones
            for (int o = 0; o < N; o += 3) {
                source.kill(o);
            }
            for (int o = N; o < data.length; o++) {
                source.put(o, data[o]);
            }
            IvfIndex reopened = TestData.open(make.get(), Metric.L2, source, Map.of(), d);
            assertEquals(N, reopened.restoredOrdinals());
            catchUp(reopened, source);
            reopened.remove(N + 5000); // never held: a no-op
            reopened.remove(1_000_000);
            int live = 0;
            for (int o = 0; o < source.maxOrdinal(); o++) {
                live += source.isLive(o) ? 1 : 0;
            }
            assertEquals(live, reopened.size());
            reopened.awaitTraining();
            int nlist = reopened.layout().nlist;
            double sum = 0;
            float[][] qs = queries(data, 100, 42);
            Map<String, Object> p = reopened.layout().pq == null
                    ? Map.of("nprobe", Math.max(1, nlist / 8))
                    : Map.of("nprobe", Math.max(1, nlist / 8), "rerank", 8); // pqM 4 codes of 32 floats are coarse
            for (float[] q : qs) {
                ScoredOrdinals r = reopened.search(q, 10, null, p);
                for (int o : r.ordinals()) {
                    assertTrue(source.isLive(o), "dead ordinal " + o + " returned");
                }
                sum += TestData.recall(TestData.bruteForce(source, Metric.L2, q, 10, null), r);
            }
            System.out.printf(
                    "%s after reload + delta: recall@10 %.3f%n", make.get().type(), sum / qs.length);
            assertTrue(sum / qs.length >= 0.9, make.get().type() + " recall " + sum / qs.length);

            // and persisting again after the delta, then reopening, restores everything
            reopened.persist(source.maxOrdinal());
            reopened.close();
            IvfIndex third = TestData.open(make.get(), Metric.L2, source, Map.of(), d);
            assertEquals(source.maxOrdinal(), third.restoredOrdinals());
            assertEquals(live, third.size());
            third.close();
        }
    }

    @Test
    void otherMetricDimensionOrParametersStartEmpty() throws Exception {
        float[][] data = TestData.clustered(new Random(51), 4000, DIM, 20, 0);
        TestData.Source source = new TestData.Source(DIM);
        IvfIndex index =
                filled(new IvfPqIndexFactory(), Metric.L2, source, data, 0, 4000, Map.of("nlist", 32, "pqM", 8), dir);
        index.trainNow();
        index.persist(4000);
        index.close();

        for (Map<String, Object> params : List.<Map<String, Object>>of(
                Map.of("nlist", 16, "pqM", 8),
                Map.of("nlist", 32, "pqM", 4),
                Map.of("nlist", 32),
                Map.of("nlist", 32, "pqM", 8, "nprobe", 3),
                Map.of("nlist", 32, "pqM", 8, "rerank", 2))) {
            IvfIndex other = TestData.open(new IvfPqIndexFactory(), Metric.L2, source, params, dir);
            assertEquals(0, other.restoredOrdinals(), params.toString());
            assertEquals(0, other.size());
            other.close();
        }
        IvfIndex otherMetric =
                TestData.open(new IvfPqIndexFactory(), Metric.DOT, source, Map.of("nlist", 32, "pqM", 8), dir);
        assertEquals(0, otherMetric.restoredOrdinals());
        otherMetric.close();
        IvfIndex otherType = TestData.open(new IvfIndexFactory(), Metric.L2, source, Map.of("nlist", 32), dir);
        assertEquals(0, otherType.restoredOrdinals());
        otherType.close();
        TestData.Source wider = new TestData.Source(DIM * 2);
        wider.put(4000, new float[DIM * 2]);
        IvfIndex otherDim =
                TestData.open(new IvfPqIndexFactory(), Metric.L2, wider, Map.of("nlist", 32, "pqM", 8), dir);
        assertEquals(0, otherDim.restoredOrdinals());
        otherDim.close();
        // a store that lost ordinals the index covers
        TestData.Source shorter = new TestData.Source(DIM);
        shorter.put(10, data[10]);
        IvfIndex ahead = TestData.open(new IvfPqIndexFactory(), Metric.L2, shorter, Map.of("nlist", 32, "pqM", 8), dir);
        assertEquals(0, ahead.restoredOrdinals());
        ahead.close();
        // the matching one still reloads
        IvfIndex same = TestData.open(new IvfPqIndexFactory(), Metric.L2, source, Map.of("nlist", 32, "pqM", 8), dir);
        assertEquals(4000, same.restoredOrdinals());
        assertEquals(4000, same.size());
        same.close();
    }

    @Test
    void damagedFilesStartEmptyWithoutAnException() throws Exception {
        for (Supplier<IvfIndexFactorySupport> make : factories()) {
            Path d = dir.resolve(make.get().type());
            float[][] data = TestData.clustered(new Random(61), 4000, DIM, 20, 0);
            TestData.Source source = new TestData.Source(DIM);
            IvfIndex index = filled(make.get(), Metric.L2, source, data, 0, 4000, Map.of("nlist", 32), d);
            index.trainNow();
            index.persist(4000);
            index.close();
            Path file = d.resolve(IvfPersistence.fileName(make.get().type()));
            byte[] good = Files.readAllBytes(file);
            Random random = new Random(62);
            List<byte[]> damaged = new java.util.ArrayList<>();
            for (int len : new int[] {0, 3, 7, 8, 40, good.length / 2, good.length - 8, good.length - 1}) {
                damaged.add(Arrays.copyOf(good, len));
            }
            for (int i = 0; i < 20; i++) { // single flipped bytes anywhere, headers and counts included
                byte[] b = good.clone();
                int at = i < 10 ? random.nextInt(Math.min(200, b.length)) : random.nextInt(b.length);
                b[at] ^= (byte) (1 + random.nextInt(255));
                damaged.add(b);
            }
            byte[] longer = Arrays.copyOf(good, good.length + 5);
            damaged.add(longer);
            byte[] garbage = new byte[good.length];
            random.nextBytes(garbage);
            damaged.add(garbage);
            for (byte[] b : damaged) {
                Files.write(file, b);
                IvfIndex reopened = TestData.open(make.get(), Metric.L2, source, Map.of("nlist", 32), d);
                assertEquals(0, reopened.restoredOrdinals(), "damaged file of " + b.length + " bytes");
                assertEquals(0, reopened.size());
                // and it works as a fresh index
                reopened.add(0, data[0]);
                assertEquals(0, reopened.search(data[0], 1, null, Map.of()).ordinals()[0]);
                reopened.close();
            }
            Files.write(file, good);
            IvfIndex intact = TestData.open(make.get(), Metric.L2, source, Map.of("nlist", 32), d);
            assertEquals(4000, intact.restoredOrdinals());
            intact.close();
        }
    }

    @Test
    void persistedBeforeTrainingFinished() throws Exception {
        for (Supplier<IvfIndexFactorySupport> make : factories()) {
            Path d = dir.resolve(make.get().type());
            float[][] data = TestData.clustered(new Random(71), 6000, DIM, 30, 0);
            TestData.Source source = new TestData.Source(DIM);
            // below the training threshold: an exact layout is persisted
            IvfIndex index = filled(make.get(), Metric.L2, source, data, 0, 1500, Map.of(), d);
            assertTrue(index.layout().exact);
            index.persist(1500);
            index.close();
            IvfIndex reopened = TestData.open(make.get(), Metric.L2, source, Map.of(), d);
            assertEquals(1500, reopened.restoredOrdinals());
            assertTrue(reopened.layout().exact);
            assertEquals(1500, reopened.size());
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(
                        TestData.bruteForce(source, Metric.L2, data[i * 7], 10, null),
                        reopened.search(data[i * 7], 10, null, Map.of()).ordinals());
            }
            // more arrive after the reload: it trains as usual
            for (int o = 1500; o < 6000; o++) {
                source.put(o, data[o]);
                reopened.add(o, data[o]);
            }
            reopened.awaitTraining();
            assertFalse(reopened.layout().exact);
            assertEquals(6000, reopened.size());
            reopened.close();

            // above the threshold but persisted before its training ran: trains right after the reload
            Path d2 = dir.resolve(make.get().type() + "-late");
            IvfIndexFactorySupport lazy = make.get();
            lazy.settings = new IvfSettings(1_000_000, 15, 1.5, 4.0, 42L);
            IvfIndex untrained = filled(lazy, Metric.L2, source, data, 0, 6000, Map.of(), d2);
            assertTrue(untrained.layout().exact);
            untrained.persist(6000);
            untrained.close();
            IvfIndex resumed = TestData.open(make.get(), Metric.L2, source, Map.of(), d2);
            assertEquals(6000, resumed.restoredOrdinals());
            resumed.awaitTraining();
            assertFalse(resumed.layout().exact, "trained after reloading an untrained state");
            assertEquals(6000, resumed.size());
            double sum = 0;
            for (float[] q : queries(data, 50, 72)) {
                sum += TestData.recall(
                        TestData.bruteForce(source, Metric.L2, q, 10, null), resumed.search(q, 10, null, Map.of()));
            }
            assertTrue(sum / 50 >= 0.9, "recall " + sum / 50);
            resumed.close();
        }
    }

    @Test
    void persistWhileSearchingAndTraining() throws Exception {
        for (Supplier<IvfIndexFactorySupport> make : factories()) {
            Path d = dir.resolve(make.get().type());
            float[][] data = TestData.clustered(new Random(81), 12_000, DIM, 40, 0);
            TestData.Source source = new TestData.Source(DIM);
            IvfIndex index = filled(make.get(), Metric.L2, source, data, 0, 12_000, Map.of(), d);
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.Queue<Throwable> errors = new java.util.concurrent.ConcurrentLinkedQueue<>();
            Thread reader = new Thread(() -> {
                Random r = new Random(82);
                while (running.get()) {
                    try {
                        index.search(data[r.nextInt(data.length)], 10, null, Map.of());
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }
            });
            reader.start();
            for (int i = 0; i < 5; i++) {
                index.persist(12_000); // possibly while the background training runs
            }
            index.awaitTraining();
            index.persist(12_000);
            running.set(false);
            reader.join();
            assertTrue(errors.isEmpty(), () -> "" + errors.peek());
            int size = index.size();
            index.close();
            IvfIndex reopened = TestData.open(make.get(), Metric.L2, source, Map.of(), d);
            assertEquals(12_000, reopened.restoredOrdinals());
            assertEquals(size, reopened.size());
            assertNotEquals(0, reopened.search(data[5], 10, null, Map.of()).size());
            reopened.close();
        }
        assertEquals(
                0,
                Stream.of(dir.toFile().list()).filter(n -> n.endsWith(".tmp")).count());
    }
}
