package dev.caracal.vector.index.ivf.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.testkit.GroundTruth;
import dev.caracal.vector.index.testkit.IndexTestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Persisting ivf and ivf-pq indexes where it is particular to them: the other type, untrained states, persisting while
 * training (the round trip, the store's catch-up and damaged files: the conformance cases).
 */
class IvfPersistenceTest {
    static final int DIM = 32;

    @TempDir
    Path dir;

    static List<Supplier<IvfIndexFactorySupport>> factories() {
        return List.of(IvfIndexFactory::new, IvfPqIndexFactory::new);
    }

    static IvfIndex filled(
            VectorIndexFactory f,
            Metric metric,
            IndexTestData.Source source,
            float[][] data,
            int from,
            int to,
            Map<String, Object> params,
            Path dir) {
        for (int i = from; i < to; i++) {
            source.put(i, data[i]);
        }
        IvfIndex index = IndexTestData.openIndex(f, metric, source, params, dir);
        for (int i = from; i < to; i++) {
            index.add(i, data[i]);
        }
        return index;
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

    /**
     * A state written by the other ivf type, or covering ordinals the store no longer has, starts empty (another
     * metric, dimension or build parameters: the conformance cases).
     */
    @Test
    void anotherTypeOrAShorterStoreStartsEmpty() throws Exception {
        float[][] data = IndexTestData.clustered(new Random(51), 4000, DIM, 20, 0);
        IndexTestData.Source source = new IndexTestData.Source(DIM);
        Map<String, Object> params = Map.of("nlist", 32, "pqM", 8);
        IvfIndex index = filled(new IvfPqIndexFactory(), Metric.L2, source, data, 0, 4000, params, dir);
        index.trainNow();
        index.persist(4000);
        index.close();

        IvfIndex otherType =
                IndexTestData.openIndex(new IvfIndexFactory(), Metric.L2, source, Map.of("nlist", 32), dir);
        assertEquals(0, otherType.restoredOrdinals());
        otherType.close();
        // a store that lost ordinals the index covers
        IndexTestData.Source shorter = new IndexTestData.Source(DIM);
        shorter.put(10, data[10]);
        IvfIndex ahead = IndexTestData.openIndex(new IvfPqIndexFactory(), Metric.L2, shorter, params, dir);
        assertEquals(0, ahead.restoredOrdinals());
        ahead.close();
        // the matching one still reloads
        IvfIndex same = IndexTestData.openIndex(new IvfPqIndexFactory(), Metric.L2, source, params, dir);
        assertEquals(4000, same.restoredOrdinals());
        assertEquals(4000, same.size());
        same.close();
    }

    @Test
    void persistedBeforeTrainingFinished() throws Exception {
        for (Supplier<IvfIndexFactorySupport> make : factories()) {
            Path d = dir.resolve(make.get().type());
            float[][] data = IndexTestData.clustered(new Random(71), 6000, DIM, 30, 0);
            IndexTestData.Source source = new IndexTestData.Source(DIM);
            // below the training threshold: an exact layout is persisted
            IvfIndex index = filled(make.get(), Metric.L2, source, data, 0, 1500, Map.of(), d);
            assertTrue(index.layout().exact);
            index.persist(1500);
            index.close();
            IvfIndex reopened = IndexTestData.openIndex(make.get(), Metric.L2, source, Map.of(), d);
            assertEquals(1500, reopened.restoredOrdinals());
            assertTrue(reopened.layout().exact);
            assertEquals(1500, reopened.size());
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(
                        GroundTruth.bruteForce(source, Metric.L2, data[i * 7], 10, null),
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
            IvfIndex resumed = IndexTestData.openIndex(make.get(), Metric.L2, source, Map.of(), d2);
            assertEquals(6000, resumed.restoredOrdinals());
            resumed.awaitTraining();
            assertFalse(resumed.layout().exact, "trained after reloading an untrained state");
            assertEquals(6000, resumed.size());
            double sum = 0;
            for (float[] q : queries(data, 50, 72)) {
                sum += GroundTruth.recall(
                        GroundTruth.bruteForce(source, Metric.L2, q, 10, null), resumed.search(q, 10, null, Map.of()));
            }
            assertTrue(sum / 50 >= 0.9, "recall " + sum / 50);
            resumed.close();
        }
    }

    @Test
    void persistWhileSearchingAndTraining() throws Exception {
        for (Supplier<IvfIndexFactorySupport> make : factories()) {
            Path d = dir.resolve(make.get().type());
            float[][] data = IndexTestData.clustered(new Random(81), 12_000, DIM, 40, 0);
            IndexTestData.Source source = new IndexTestData.Source(DIM);
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
            IvfIndex reopened = IndexTestData.openIndex(make.get(), Metric.L2, source, Map.of(), d);
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
