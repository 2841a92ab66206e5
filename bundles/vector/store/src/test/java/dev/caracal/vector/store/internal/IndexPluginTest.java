package dev.caracal.vector.store.internal;

import static dev.caracal.vector.store.internal.CollectionsAndRecordsTest.assertField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.core.health.HealthStatus;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.Filter;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexState;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchMode;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.index.VectorIndexFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IndexPluginTest extends IndexTestSupport {

    IndexPluginTest() {
        super("idx", 17);
    }

    void unbind(VectorIndexFactory f) {
        store.unbindIndexFactory(f, Map.of(VectorIndexFactory.TYPE_PROPERTY, f.type()));
    }

    CollectionInfo createIndexed() {
        return store.createCollection(
                new CollectionSpec("idx", DIM, Metric.COSINE, null, new IndexSpec(TestIndexFactory.TYPE, Map.of())));
    }

    @Test
    void createNeedsThePluginAndValidatesItsParameters() {
        assertField("index.type", this::createIndexed);
        bind(factory);
        assertField(
                "index.params.m",
                () -> store.createCollection(new CollectionSpec(
                        "bad", DIM, Metric.COSINE, null, new IndexSpec(TestIndexFactory.TYPE, Map.of("m", 1)))));
        CollectionInfo info = createIndexed();
        assertEquals(Map.of("m", 16), info.spec().index().params(), "defaults filled in by the plugin");
        assertTrue(store.availableIndexTypes().contains(TestIndexFactory.TYPE));
        await(() -> indexStatus("idx") == IndexStatus.READY, "READY");
    }

    @Test
    void buildingReadyDegradedAndBackAgain() throws Exception {
        bind(factory);
        createIndexed();
        load(3000);
        await(() -> indexStatus("idx") == IndexStatus.READY, "READY");
        SearchResult r = searchChecked();
        assertEquals(TestIndexFactory.TYPE, r.servedBy());
        assertFalse(r.degraded());
        assertEquals(3000, factory.last.size());
        // writes reach the index
        load(500);
        assertEquals(3500, factory.last.size());
        store.delete("idx", List.of("r0"));
        records.remove(0);
        assertEquals(3499, factory.last.size());
        assertEquals(TestIndexFactory.TYPE, searchChecked().servedBy());

        // the plugin leaves: exact scan, degraded
        TestIndexFactory.TestIndex first = factory.last;
        unbind(factory);
        assertTrue(first.isClosed);
        IndexState state = store.describe("idx").index();
        assertEquals(IndexStatus.DEGRADED, state.status());
        assertTrue(state.message().contains("not available"), state.message());
        r = searchChecked();
        assertEquals("flat", r.servedBy());
        assertTrue(r.degraded());
        assertEquals(HealthStatus.DEGRADED, store.check().status());
        load(200); // writes keep working without the plugin

        // it comes back: rebuilt in the background while the exact scan answers
        factory.gate.drainPermits();
        bind(factory);
        await(() -> indexStatus("idx") == IndexStatus.BUILDING, "BUILDING");
        state = store.describe("idx").index();
        assertTrue(state.progress() < 1.0);
        r = searchChecked();
        assertEquals("flat", r.servedBy());
        assertFalse(r.degraded());
        factory.gate.release(Integer.MAX_VALUE);
        await(() -> indexStatus("idx") == IndexStatus.READY, "READY again");
        assertEquals(1.0, store.describe("idx").index().progress());
        assertEquals(records.size(), factory.last.size(), "rebuilt from the store, including writes made meanwhile");
        assertEquals(TestIndexFactory.TYPE, searchChecked().servedBy());
        assertEquals(HealthStatus.UP, store.check().status());
    }

    @Test
    void restartRebuildsFromTheStore() {
        bind(factory);
        createIndexed();
        load(2000);
        restart(factory);
        await(() -> indexStatus("idx") == IndexStatus.READY, "READY after restart");
        assertEquals(2000, factory.last.size());
        assertEquals(TestIndexFactory.TYPE, searchChecked().servedBy());
        restart(); // no plugin this time
        assertEquals(IndexStatus.DEGRADED, indexStatus("idx"));
        assertEquals("flat", searchChecked().servedBy());
    }

    @Test
    void aFailingIndexFallsBackToTheExactScan() {
        bind(factory);
        createIndexed();
        load(1000);
        await(() -> indexStatus("idx") == IndexStatus.READY, "READY");
        factory.failSearches.set(true);
        assertEquals("flat", searchChecked().servedBy());
        factory.failSearches.set(false);
        assertField(
                "params.ef",
                () -> store.search(
                        "idx",
                        new SearchRequest(
                                randomVector(random, DIM),
                                null,
                                5,
                                null,
                                SearchMode.VECTOR,
                                Map.of("ef", "many"),
                                false)));
    }

    @Test
    void filteredSearchThroughTheIndexStillReturnsKWhenKMatch() {
        bind(factory);
        createIndexed();
        load(5000);
        await(() -> indexStatus("idx") == IndexStatus.READY, "READY");
        float[] q = randomVector(random, DIM);
        // half the records match: too many candidates for the store's own exact path, so the index answers
        List<Object> groups = List.of("g1", "g3", "g5", "g7", "g9");
        Filter f = new Filter.In("group", groups);
        SearchResult r = store.search("idx", SearchRequest.ofVector(q, 20, f));
        assertEquals(TestIndexFactory.TYPE, r.servedBy());
        List<VectorRecord> subset = records.stream()
                .filter(x -> groups.contains(x.metadata().get("group")))
                .toList();
        assertEquals(
                SearchTest.bruteForce(subset, q, Metric.COSINE, 20),
                r.hits().stream().map(SearchHit::id).toList());
    }

    @Test
    void searchesNeverFailWhileThePluginComesAndGoes() throws Exception {
        bind(factory);
        createIndexed();
        load(4000);
        AtomicBoolean running = new AtomicBoolean(true);
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger served = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread th = new Thread(() -> {
                Random r = new Random();
                while (running.get()) {
                    try {
                        SearchResult res = store.search(
                                "idx", SearchRequest.ofVector(randomVector(r, DIM), 10, new Filter.Exists("n")));
                        if (res.hits().size() != 10) {
                            errors.add(new AssertionError(res.hits().size() + " hits from " + res.servedBy()));
                        }
                        served.incrementAndGet();
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (int cycle = 0; cycle < 10; cycle++) {
            unbind(factory);
            Thread.sleep(10);
            bind(factory);
            Thread.sleep(cycle % 2 == 0 ? 1 : 30);
        }
        await(() -> indexStatus("idx") == IndexStatus.READY, "READY at the end");
        running.set(false);
        for (Thread th : threads) {
            th.join();
        }
        assertTrue(errors.isEmpty(), () -> errors.size() + " errors, e.g. " + errors.peek());
        assertTrue(served.get() > 0);
        assertEquals(factory.opened.get() - 1, factory.closed.get(), "every index but the last was closed");
    }
}
