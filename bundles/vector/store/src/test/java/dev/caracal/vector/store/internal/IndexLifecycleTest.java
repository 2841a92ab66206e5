package dev.caracal.vector.store.internal;

import static dev.caracal.vector.store.internal.CollectionsAndRecordsTest.assertField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexState;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.VectorRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Adding, changing and rebuilding the index of an existing collection. */
class IndexLifecycleTest extends IndexTestSupport {
    static final IndexSpec TEST_SPEC = new IndexSpec(TestIndexFactory.TYPE, Map.of("m", 8));

    IndexLifecycleTest() {
        super("lc", 23);
    }

    @Test
    void addAnIndexToAFlatCollectionThenDropIt() {
        bind(factory);
        create("lc", DIM, Metric.COSINE);
        load(3000);
        assertEquals("flat", searchChecked().servedBy());

        factory.gate.drainPermits(); // hold the build to observe BUILDING
        CollectionInfo info = store.changeIndex("lc", new IndexSpec(" Exact-Test ", Map.of("m", 8)));
        assertEquals(TestIndexFactory.TYPE, info.spec().index().type(), "type normalized");
        assertEquals(Map.of("m", 8), info.spec().index().params());
        assertEquals(IndexStatus.BUILDING, info.index().status());
        assertEquals(TestIndexFactory.TYPE, info.index().type());
        assertTrue(info.index().progress() < 1.0);
        SearchResult r = searchChecked();
        assertEquals("flat", r.servedBy(), "exact scan while building");
        assertFalse(r.degraded());
        HealthCheck.Result health = store.check();
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) health.details().get("lc");
        assertEquals("BUILDING", details.get("indexStatus"));
        assertTrue(details.containsKey("indexProgress"), details.toString());
        // (the held gate blocks the build inside the publish lock: writes during builds are covered below)
        factory.gate.release(Integer.MAX_VALUE);
        await(() -> indexStatus("lc") == IndexStatus.READY, "READY");
        assertEquals(1.0, store.describe("lc").index().progress());
        assertEquals(records.size(), factory.last.size());
        assertEquals(TestIndexFactory.TYPE, searchChecked().servedBy());

        // the same spec again: nothing happens
        TestIndexFactory.TestIndex built = factory.last;
        info = store.changeIndex("lc", TEST_SPEC);
        assertEquals(IndexStatus.READY, info.index().status());
        assertSame(built, factory.last);
        assertEquals(1, factory.opened.get());

        // back to flat: the index is closed and the exact scan serves, READY
        info = store.changeIndex("lc", IndexSpec.FLAT_SPEC);
        assertEquals(IndexSpec.FLAT, info.spec().index().type());
        assertEquals(IndexStatus.READY, info.index().status());
        assertTrue(built.isClosed);
        assertEquals("flat", searchChecked().servedBy());
        load(50);
        assertEquals("flat", searchChecked().servedBy());
        // rebuilding a flat collection does nothing
        assertEquals(IndexStatus.READY, store.rebuildIndex("lc").index().status());
        assertEquals(1, factory.opened.get());
    }

    @Test
    void rebuildSwapsInAFreshIndexWithTheSameResults() {
        bind(factory);
        store.createCollection(new dev.caracal.vector.CollectionSpec("lc", DIM, Metric.COSINE, null, TEST_SPEC));
        load(2000);
        await(() -> indexStatus("lc") == IndexStatus.READY, "READY");
        float[] q = randomVector(random, DIM);
        List<String> before = store.search("lc", SearchRequest.ofVector(q, 10, null)).hits().stream()
                .map(SearchHit::id)
                .toList();
        TestIndexFactory.TestIndex first = factory.last;

        factory.gate.drainPermits();
        CollectionInfo info = store.rebuildIndex("lc");
        assertEquals(IndexStatus.BUILDING, info.index().status());
        assertEquals(TEST_SPEC, info.spec().index());
        assertTrue(first.isClosed, "the old index is closed");
        assertEquals("flat", searchChecked().servedBy());
        factory.gate.release(Integer.MAX_VALUE);
        await(() -> indexStatus("lc") == IndexStatus.READY, "READY after rebuild");
        assertNotSame(first, factory.last);
        assertEquals(2000, factory.last.size());
        SearchResult after = store.search("lc", SearchRequest.ofVector(q, 10, null));
        assertEquals(TestIndexFactory.TYPE, after.servedBy());
        assertEquals(before, after.hits().stream().map(SearchHit::id).toList());
        assertEquals(factory.opened.get() - 1, factory.closed.get());
    }

    @Test
    void badTypeOrParametersNameTheField() {
        create("lc", DIM, Metric.COSINE);
        {
            dev.caracal.vector.InvalidRequestException e = assertThrows(
                    dev.caracal.vector.InvalidRequestException.class,
                    () -> store.changeIndex("lc", new IndexSpec("nope", Map.of())));
            assertEquals("index.type", e.field());
            assertTrue(e.getMessage().contains("available: flat"), e.getMessage());
        }
        assertField("index.type", () -> store.changeIndex("lc", TEST_SPEC)); // plugin not installed
        bind(factory);
        assertField(
                "index.params.m", () -> store.changeIndex("lc", new IndexSpec(TestIndexFactory.TYPE, Map.of("m", 1))));
        assertField("index", () -> store.changeIndex("lc", null));
        assertThrows(CollectionNotFoundException.class, () -> store.changeIndex("none", TEST_SPEC));
        assertThrows(CollectionNotFoundException.class, () -> store.rebuildIndex("none"));
        assertEquals(IndexSpec.FLAT, store.describe("lc").spec().index().type(), "unchanged");
        assertEquals(0, factory.opened.get());
    }

    @Test
    void theNewSpecSurvivesARestart() {
        bind(factory);
        create("lc", DIM, Metric.COSINE);
        load(1500);
        store.changeIndex("lc", TEST_SPEC);
        restart(factory);
        CollectionInfo info = store.describe("lc");
        assertEquals(TEST_SPEC, info.spec().index());
        await(() -> indexStatus("lc") == IndexStatus.READY, "READY after restart");
        assertEquals(1500, factory.last.size());
        assertEquals(TestIndexFactory.TYPE, searchChecked().servedBy());

        store.changeIndex("lc", IndexSpec.FLAT_SPEC);
        restart(factory);
        assertEquals(IndexSpec.FLAT_SPEC, store.describe("lc").spec().index());
        assertEquals("flat", searchChecked().servedBy());
        load(10); // still writable with the rewritten meta map
        restart(factory);
        assertEquals(records.size(), store.count("lc"));
    }

    @Test
    void changesDuringConcurrentWritesAndSearchesLoseNothing() throws Exception {
        bind(factory);
        create("lc", DIM, Metric.COSINE);
        load(3000);
        Map<String, float[]> live = new ConcurrentHashMap<>();
        for (VectorRecord r : records) {
            live.put(r.id(), r.vector());
        }
        AtomicBoolean running = new AtomicBoolean(true);
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger searches = new AtomicInteger();
        AtomicInteger writes = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int writer = w;
            threads.add(new Thread(() -> {
                Random r = new Random(100 + writer);
                int n = 0;
                while (running.get()) {
                    try {
                        List<VectorRecord> batch = new ArrayList<>();
                        for (int i = 0; i < 20; i++) {
                            batch.add(new VectorRecord(
                                    "w" + writer + "-" + n++, randomVector(r, DIM), Map.of("n", n), null, null));
                        }
                        // replace a few existing records too
                        String replaced = "r" + r.nextInt(3000);
                        if (writer == 0) {
                            batch.add(new VectorRecord(replaced, randomVector(r, DIM), Map.of("n", -1), null, null));
                        }
                        store.upsert("lc", batch);
                        for (VectorRecord v : batch) {
                            live.put(v.id(), v.vector());
                        }
                        if (writer == 1) {
                            String gone = "w1-" + r.nextInt(n);
                            store.delete("lc", List.of(gone));
                            live.remove(gone);
                        }
                        writes.incrementAndGet();
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }
            }));
        }
        for (int s = 0; s < 2; s++) {
            threads.add(new Thread(() -> {
                Random r = new Random();
                while (running.get()) {
                    try {
                        SearchResult res = store.search("lc", SearchRequest.ofVector(randomVector(r, DIM), 10, null));
                        if (res.hits().size() != 10) {
                            errors.add(new AssertionError(res.hits().size() + " hits from " + res.servedBy()));
                        }
                        searches.incrementAndGet();
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        IndexSpec[] sequence = {
            TEST_SPEC,
            IndexSpec.FLAT_SPEC,
            new IndexSpec(TestIndexFactory.TYPE, Map.of("m", 4)),
            null,
            new IndexSpec(TestIndexFactory.TYPE, Map.of("m", 6)),
            null,
            TEST_SPEC
        };
        for (int i = 0; i < sequence.length; i++) {
            if (sequence[i] == null) {
                store.rebuildIndex("lc");
            } else {
                store.changeIndex("lc", sequence[i]);
            }
            Thread.sleep(i % 2 == 0 ? 2 : 40);
        }
        await(() -> indexStatus("lc") == IndexStatus.READY, "READY while writing");
        Thread.sleep(50);
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(errors.isEmpty(), () -> errors.size() + " errors, e.g. " + errors.peek());
        assertTrue(searches.get() > 0 && writes.get() > 0);
        await(() -> indexStatus("lc") == IndexStatus.READY, "READY");
        assertEquals(TEST_SPEC, store.describe("lc").spec().index());

        // the index holds exactly the live records, by ordinal
        StoredCollection c = store.collection("lc");
        Set<Integer> expected = new TreeSet<>();
        for (String id : live.keySet()) {
            expected.add(c.ordinalOf(id));
        }
        assertEquals(live.size(), store.count("lc"));
        assertEquals(expected, new TreeSet<>(factory.last.vectors.keySet()));
        assertEquals(factory.opened.get() - 1, factory.closed.get(), "every index but the last was closed");

        // and answers as the exact scan does
        records.clear();
        live.forEach((id, v) -> records.add(new VectorRecord(id, v, Map.of(), null, null)));
        for (int i = 0; i < 5; i++) {
            assertEquals(TestIndexFactory.TYPE, searchChecked().servedBy());
        }
        IndexState state = store.describe("lc").index();
        assertEquals(1.0, state.progress());
    }
}
