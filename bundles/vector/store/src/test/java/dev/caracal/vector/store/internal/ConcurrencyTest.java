package dev.caracal.vector.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.Filter;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.VectorRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrencyTest extends StoreTestSupport {

    @Test
    void concurrentWritersAndReadersSeeWholeBatches() throws Exception {
        int dim = 16;
        int writers = 4;
        int batches = 40;
        int batchSize = 50;
        create("cc", dim, Metric.COSINE);
        ExecutorService pool = Executors.newFixedThreadPool(writers + 3);
        AtomicBoolean writing = new AtomicBoolean(true);
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicInteger searches = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            futures.add(pool.submit(() -> {
                Random random = new Random(writer);
                for (int b = 0; b < batches; b++) {
                    List<VectorRecord> batch = new ArrayList<>();
                    String tag = writer + "-" + b;
                    for (int i = 0; i < batchSize; i++) {
                        batch.add(new VectorRecord(
                                "w" + tag + "-" + i, randomVector(random, dim), Map.of("batch", tag), null, null));
                    }
                    store.upsert("cc", batch);
                    acknowledged.add(tag);
                    if (b % 5 == 4) {
                        // replace a whole earlier batch in one upsert: readers see the old or the new, never a mix
                        String old = writer + "-" + (b - 4);
                        List<VectorRecord> replacement = new ArrayList<>();
                        for (int i = 0; i < batchSize; i++) {
                            replacement.add(new VectorRecord(
                                    "w" + old + "-" + i,
                                    randomVector(random, dim),
                                    Map.of("batch", old + "r"),
                                    null,
                                    null));
                        }
                        store.upsert("cc", replacement);
                    }
                }
                return null;
            }));
        }
        for (int r = 0; r < 2; r++) {
            readWhileWriting(pool, writing, acknowledged, errors, (random, tag) -> {
                var hits = store.search(
                                "cc",
                                SearchRequest.ofVector(
                                        randomVector(random, dim),
                                        200,
                                        new Filter.In("batch", List.of(tag, tag + "r"))))
                        .hits();
                long original = hits.stream()
                        .filter(h -> tag.equals(h.metadata().get("batch")))
                        .count();
                long replaced = hits.size() - original;
                if (!(original == batchSize && replaced == 0) && !(original == 0 && replaced == batchSize)) {
                    throw new AssertionError(
                            "batch " + tag + " seen as " + original + " originals and " + replaced + " replacements");
                }
                searches.incrementAndGet();
            });
        }
        readWhileWriting(pool, writing, acknowledged, errors, (random, tag) -> {
            String id = "w" + tag + "-" + random.nextInt(batchSize);
            if (store.get("cc", id).isEmpty()) {
                throw new AssertionError("acknowledged record " + id + " not found");
            }
        });
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        writing.set(false);
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError(errors.size() + " errors, first: " + errors.peek());
            errors.forEach(e::addSuppressed);
            throw e;
        }
        assertTrue(searches.get() > 0);
        assertEquals((long) writers * batches * batchSize, store.count("cc"));
        restart();
        assertEquals((long) writers * batches * batchSize, store.count("cc"));
    }

    /** What a reader checks of one acknowledged batch, given by its tag; throws what it finds wrong. */
    interface BatchCheck {
        void check(Random random, String tag) throws Exception;
    }

    /**
     * Submits a reader that, while the writers write, checks a random acknowledged batch again and again; what a
     * check throws goes to {@code errors}.
     */
    static void readWhileWriting(
            ExecutorService pool,
            AtomicBoolean writing,
            Queue<String> acknowledged,
            Queue<Throwable> errors,
            BatchCheck reader) {
        pool.submit(() -> {
            Random random = new Random();
            while (writing.get()) {
                try {
                    List<String> tags = new ArrayList<>(acknowledged);
                    if (!tags.isEmpty()) {
                        reader.check(random, tags.get(random.nextInt(tags.size())));
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            }
        });
    }

    @Test
    void droppingWhileSearchingNeverCrashesSearches() throws Exception {
        int dim = 32;
        create("dropme", dim, Metric.L2);
        Random random = new Random(1);
        for (int b = 0; b < 4; b++) {
            store.upsert("dropme", randomRecords(random, "r", b * 5000, 5000, dim));
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger notFound = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(3);
        for (int t = 0; t < 3; t++) {
            pool.submit(() -> {
                Random r = new Random();
                started.countDown();
                while (true) {
                    try {
                        store.search(
                                "dropme",
                                new SearchRequest(
                                        randomVector(r, dim),
                                        null,
                                        50,
                                        new Filter.Range("n", 10, null, null, null),
                                        null,
                                        null,
                                        true));
                        store.get("dropme", "r" + r.nextInt(20_000));
                        ok.incrementAndGet();
                    } catch (CollectionNotFoundException e) {
                        notFound.incrementAndGet();
                        return;
                    } catch (Throwable e) {
                        errors.add(e);
                        return;
                    }
                }
            });
        }
        started.await();
        await(() -> ok.get() >= 3 || !errors.isEmpty(), "searches before the drop");
        assertTrue(store.dropCollection("dropme"));
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(errors.isEmpty(), () -> "unexpected: " + errors);
        assertEquals(3, notFound.get());
        assertTrue(ok.get() > 0);
    }
}
